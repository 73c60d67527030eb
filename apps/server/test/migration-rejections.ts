// For the specs of REJECT reviews across a model migration (model-migration-rejections.spec,
// review-migration.recognition.spec): four people enrolled with their first LFW photo in a gallery of
// the default model, probes both models match, and the calls those specs make through the API.
import { expect } from 'vitest';
import { addIdentity } from './graphql-helpers.js';
import type { AuthHeaders } from './auth-helpers.js';
import { lfwInput } from './test-data.js';
import type { TestServer } from './test-server.js';

export const ORIGINAL = 'faceapi-resnet128';
export const TARGET = 'human-mobileface';
/** Hugo Chavez's sixth photo: both models match it with his first. */
export const HUGO_PROBE = { person: 'Hugo_Chavez', photo: 6 } as const;
/** Abdullah Gul's second photo: both models match it with his first. */
export const ABDULLAH_PROBE = { person: 'Abdullah_Gul', photo: 2 } as const;

/** What identify answered for a probe's first face. */
export interface ProbeAnswer {
  modelId: string;
  eventId: string;
  decision: string;
  identityId: string | null;
  candidates: Array<{ identityId: string; score: number; demoted: boolean }>;
  threshold: number;
}

/** The gallery the specs work on, and who calls. */
export interface RejectionsContext {
  server: TestServer;
  galleryId: string;
  admin: AuthHeaders;
  reviewer: AuthHeaders;
}

/** Enrolls Hugo Chavez, Abdullah Gul, Tony Blair and Adam Sandler with their first photo; their ids by LFW name. */
export async function enrollMigrationPeople(c: RejectionsContext): Promise<Map<string, string>> {
  const people = new Map<string, string>();
  for (const person of ['Hugo_Chavez', 'Abdullah_Gul', 'Tony_Blair', 'Adam_Sandler']) {
    const id = await addIdentity(
      c.server,
      { galleryId: c.galleryId, externalId: person, displayName: person.replace('_', ' ') },
      c.admin,
    );
    people.set(person, id);
    const body = await c.server.graphql<{ enrollFace: { __typename: string } }>(
      'mutation ($id: ID!, $image: ImageInput!) { enrollFace(identityId: $id, image: $image, face: { index: 0 }) { __typename } }',
      { id, image: await lfwInput(person, 1) },
      c.admin,
    );
    expect(body.data?.enrollFace.__typename).toBe('Enrolled');
  }
  return people;
}

/** Identify of one LFW photo in the gallery, as ADMIN: the first face's answer. */
export async function identifyProbe(
  c: RejectionsContext,
  probe: { person: string; photo: number },
): Promise<ProbeAnswer> {
  const body = await c.server.graphql<{
    identify: {
      modelId: string;
      threshold: number;
      faces: Array<{
        eventId: string;
        decision: string;
        identity: { id: string } | null;
        candidates: Array<{ identity: { id: string }; score: number; demoted: boolean }>;
      }>;
    };
  }>(
    `mutation ($g: ID!, $image: ImageInput!) { identify(galleryId: $g, image: $image) { modelId threshold
      faces { eventId decision identity { id } candidates { identity { id } score demoted } } } }`,
    { g: c.galleryId, image: await lfwInput(probe.person, probe.photo) },
    c.admin,
  );
  expect(body.errors).toBeUndefined();
  const face = body.data!.identify.faces[0]!;
  return {
    modelId: body.data!.identify.modelId,
    threshold: body.data!.identify.threshold,
    eventId: face.eventId,
    decision: face.decision,
    identityId: face.identity?.id ?? null,
    candidates: face.candidates.map((x) => ({
      identityId: x.identity.id,
      score: x.score,
      demoted: x.demoted,
    })),
  };
}

/** The REVIEWER rejects the event's match. */
export async function rejectMatch(c: RejectionsContext, eventId: string): Promise<void> {
  const body = await c.server.graphql(
    'mutation ($e: ID!) { reviewMatch(eventId: $e, verdict: REJECT, note: "not him") { id } }',
    { e: eventId },
    c.reviewer,
  );
  expect(body.errors).toBeUndefined();
}

/** Switches the gallery to its migration's target, or rolls it back. */
export async function changeGalleryModel(
  c: RejectionsContext,
  name: 'switchGalleryModel' | 'rollbackGalleryModel',
): Promise<void> {
  const body = await c.server.graphql(
    `mutation ($g: ID!) { ${name}(galleryId: $g) { status } }`,
    { g: c.galleryId },
    c.admin,
  );
  expect(body.errors).toBeUndefined();
}

/** The probe embeddings kept for event `eventId` under other models than its own: model and width. */
export function carriedEmbeddings(
  server: TestServer,
  eventId: string,
): Promise<Array<{ modelId: string; dims: number }>> {
  return server.db.prisma.$queryRaw<Array<{ modelId: string; dims: number }>>`
    SELECT model_id AS "modelId", vector_dims(embedding)::int AS dims FROM probe_embeddings
    WHERE event_id = ${eventId}::uuid ORDER BY model_id`;
}
