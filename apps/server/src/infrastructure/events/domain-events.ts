// The facts services publish after their transaction commits (UnitOfWork collects them, the
// DomainEventBus delivers them). Each carries what its subscribers need, so none reads it back:
// ids, names shown live, decisions and times; never images, embeddings or secrets. Events cross
// processes as JSON (PostgreSQL NOTIFY), so fields are plain JSON values (times as ISO-8601
// strings) and one encoded event stays under MAX_ENCODED_EVENT_BYTES.
import type { MatchDecision, MatchKind } from '@faceledger/db';

/** A match event was recorded (identify, verify, compareFaces, detectFaces); the live feed and webhooks take it. */
export interface MatchRecorded {
  type: 'MatchRecorded';
  eventId: string;
  kind: MatchKind;
  decision: MatchDecision;
  /** null for compareFaces and detectFaces, which have no gallery (nothing live or webhooked). */
  galleryId: string | null;
  galleryName: string | null;
  /** The rank-1 candidate, the one pushed live and sent to webhooks. */
  topCandidate: { identityId: string; displayName: string; externalId: string; score: number } | null;
  /** ISO-8601, as stored on the event row. */
  createdAt: string;
}

/** A face was enrolled (or replaced another: `replacedFaceId`). */
export interface FaceEnrolled {
  type: 'FaceEnrolled';
  faceId: string;
  identityId: string;
  galleryId: string;
  replacedFaceId: string | null;
}

/** An enrolled face was deleted. */
export interface FaceDeleted {
  type: 'FaceDeleted';
  faceId: string;
  identityId: string;
  galleryId: string;
}

/** An identity's personal and biometric data were erased (ids only: the name is gone). */
export interface IdentityErased {
  type: 'IdentityErased';
  identityId: string;
  galleryId: string;
}

/** A background job ended (SUCCEEDED, FAILED or CANCELLED). */
export interface JobFinished {
  type: 'JobFinished';
  jobId: string;
  kind: string;
  status: 'SUCCEEDED' | 'FAILED' | 'CANCELLED';
}

/** Who a camera sighting or alert named: the watchlist identity and its score (never a face or an image). */
export interface SightingIdentity {
  identityId: string;
  displayName: string;
  externalId: string;
  galleryId: string;
  galleryName: string;
  score: number;
}

/** A camera's face track ended and was recorded as a sighting (MATCH on a watchlist, or UNKNOWN). */
export interface SightingRecorded {
  type: 'SightingRecorded';
  sightingId: string;
  cameraId: string;
  cameraName: string;
  decision: 'MATCH' | 'UNKNOWN';
  /** ISO-8601 times of the track's first and last frame. */
  startedAt: string;
  endedAt: string;
  frames: number;
  quality: number;
  identity: SightingIdentity | null;
  /** The unknown cluster ("unknown #number") of an UNKNOWN sighting. */
  cluster: { clusterId: string; number: number } | null;
}

/** A sighting raised an alert (a watchlist MATCH, or an unknown seen again); MQTT and the alerts list take it. */
export interface AlertRaised {
  type: 'AlertRaised';
  alertId: string;
  kind: 'WATCHLIST_MATCH' | 'REPEATED_UNKNOWN';
  sightingId: string;
  cameraId: string;
  cameraName: string;
  identity: SightingIdentity | null;
  cluster: { clusterId: string; number: number; sightings: number } | null;
  /** The MATCH event recorded for a watchlist alert (the matchEvents subscription and webhooks carry it). */
  matchEventId: string | null;
  /** ISO-8601, as stored on the alert row. */
  createdAt: string;
}

/** Every event a service may publish; add a member (and its subscribers) here. */
export type DomainEvent =
  | MatchRecorded
  | FaceEnrolled
  | FaceDeleted
  | IdentityErased
  | JobFinished
  | SightingRecorded
  | AlertRaised;

/** The `type` of an event. */
export type DomainEventType = DomainEvent['type'];

/** The event whose `type` is K. */
export type DomainEventOf<K extends DomainEventType> = Extract<DomainEvent, { type: K }>;

const EVENT_TYPES: ReadonlySet<string> = new Set<DomainEventType>([
  'MatchRecorded',
  'FaceEnrolled',
  'FaceDeleted',
  'IdentityErased',
  'JobFinished',
  'SightingRecorded',
  'AlertRaised',
] satisfies DomainEventType[]);

/** PostgreSQL NOTIFY takes payloads under 8000 bytes; an event must fit with room to spare. */
export const MAX_ENCODED_EVENT_BYTES = 7_500;

/** The wire form of an event (JSON text); throws when it is too large to cross processes. */
export function encodeDomainEvent(event: DomainEvent): string {
  const text = JSON.stringify(event);
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_ENCODED_EVENT_BYTES) {
    throw new Error(
      `Domain event ${event.type} is ${bytes} bytes encoded, over ${MAX_ENCODED_EVENT_BYTES}; publish ids, not contents.`,
    );
  }
  return text;
}

/** The event of a wire form; throws on text that is not an event of a known type. */
export function decodeDomainEvent(text: string): DomainEvent {
  const value: unknown = JSON.parse(text);
  if (
    typeof value !== 'object' ||
    value === null ||
    !('type' in value) ||
    typeof value.type !== 'string' ||
    !EVENT_TYPES.has(value.type)
  ) {
    throw new Error(`Not a domain event: ${text.slice(0, 80)}`);
  }
  return value as DomainEvent;
}
