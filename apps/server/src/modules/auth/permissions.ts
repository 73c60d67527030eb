// The permission table: which roles and which API-key scopes may run each operation. Services call
// authorize() first thing; tests walk the whole table (permissions.spec.ts).
import type { Role } from '@faceledger/db';
import { AppError, ErrorCode } from '../../shared/app-error.js';
import { API_KEY_SCOPES, type Actor, type ApiKeyScope } from './actor.js';

/** Everything that needs a permission. Add a line here when adding an operation. */
export const PERMISSIONS = {
  'users.manage': { roles: ['ADMIN'], scopes: [] },
  'apiKeys.manage': { roles: ['ADMIN'], scopes: [] },
  'galleries.read': {
    roles: ['ADMIN', 'HR', 'REVIEWER', 'AUDITOR'],
    scopes: ['read', 'identify', 'verify', 'enroll'],
  },
  // HR opens galleries for the people it enrolls; changing or deleting one stays with admins.
  'galleries.create': { roles: ['ADMIN', 'HR'], scopes: [] },
  'galleries.write': { roles: ['ADMIN'], scopes: [] },
  'identities.read': { roles: ['ADMIN', 'HR', 'REVIEWER'], scopes: ['read', 'enroll'] },
  // Who a person is (displayName, externalId) wherever an identity shows up: what identify answers,
  // so identify keys have it; auditors see ids, scores and decisions, never names (FIELD_PERMISSIONS).
  'identities.readName': { roles: ['ADMIN', 'HR', 'REVIEWER'], scopes: ['identify', 'enroll', 'read'] },
  'identities.write': { roles: ['ADMIN', 'HR'], scopes: ['enroll'] },
  'identities.erase': { roles: ['ADMIN', 'HR'], scopes: [] },
  'faces.enroll': { roles: ['ADMIN', 'HR'], scopes: ['enroll'] },
  'faces.detect': { roles: ['ADMIN', 'HR', 'REVIEWER'], scopes: ['detect'] },
  'faces.verify': { roles: ['ADMIN', 'HR', 'REVIEWER'], scopes: ['verify'] },
  'faces.identify': { roles: ['ADMIN', 'HR', 'REVIEWER'], scopes: ['identify'] },
  'matchEvents.read': { roles: ['ADMIN', 'REVIEWER', 'AUDITOR'], scopes: ['read'] },
  'matchEvents.review': { roles: ['ADMIN', 'REVIEWER'], scopes: [] },
  'matchEvents.subscribe': { roles: ['ADMIN', 'REVIEWER', 'AUDITOR'], scopes: ['read', 'identify'] },
  'webhooks.manage': { roles: ['ADMIN'], scopes: [] },
  'audit.read': { roles: ['ADMIN', 'AUDITOR'], scopes: [] },
  'audit.export': { roles: ['ADMIN', 'AUDITOR'], scopes: [] },
  // Who the staff users and API keys are (email, role; key name and prefix), so the audit log names
  // its actors; never enrolled people (their names stay behind identities.readName).
  'directory.read': { roles: ['ADMIN', 'AUDITOR'], scopes: [] },
  'imports.run': { roles: ['ADMIN', 'HR'], scopes: [] },
  'evaluations.run': { roles: ['ADMIN', 'AUDITOR'], scopes: [] },
  // Cameras and their readers' state (the source URL's password is masked); changing them, and
  // testing a source (which makes the server connect anywhere), stays with admins.
  'cameras.read': { roles: ['ADMIN', 'REVIEWER', 'AUDITOR'], scopes: [] },
  'cameras.manage': { roles: ['ADMIN'], scopes: [] },
  // What the cameras saw: sightings (face crops), alerts and unknown clusters.
  'sightings.read': { roles: ['ADMIN', 'REVIEWER'], scopes: ['read'] },
  // "Where was this face seen?": a search of people's movements, for signed-in staff only.
  'sightings.search': { roles: ['ADMIN', 'REVIEWER'], scopes: [] },
  // Dismissing an unknown cluster; naming one also enrolls faces (faces.enroll).
  'sightings.review': { roles: ['ADMIN', 'REVIEWER'], scopes: [] },
  // Health's precise messages (operator models' refusals, the models folder's, database's, engine's,
  // ffmpeg's and background tasks' errors, ffmpeg's path and version), which may name the server's
  // files, hosts or drivers; everyone else, GET /healthz included, gets states, codes and fixed sentences.
  'health.details': { roles: ['ADMIN'], scopes: [] },
} as const satisfies Record<string, { roles: readonly Role[]; scopes: readonly ApiKeyScope[] }>;

export type Permission = keyof typeof PERMISSIONS;

/**
 * The permission each field holding personal data needs, wherever its object is reached (a match
 * event's candidates, identify, verify, enrollment results, the live feed). graphql/field-guards.ts
 * applies it to the resolvers in one place: a caller without it gets null and a FORBIDDEN error at
 * that path, the rest of the answer stays intact (so these fields are nullable in the SDL). A field
 * not listed here is listed in PUBLIC_FIELDS of permissions.spec.ts, with why it is no personal data.
 */
export const FIELD_PERMISSIONS = {
  Identity: {
    externalId: 'identities.readName',
    displayName: 'identities.readName',
    metadata: 'identities.read',
    consentGivenAt: 'identities.read',
    consentGivenBy: 'identities.read',
    faces: 'identities.read',
    // Computed from the faces (their count, quality and head pose): who may read the faces.
    templateStrength: 'identities.read',
  },
  // The enrolled photo and the geometry of the face in it: the same callers who may open the image
  // (GET /api/images/:key) and read the identity.
  Face: {
    imageKey: 'identities.read',
    box: 'identities.read',
    landmarks: 'identities.read',
  },
  // The live feed's copy of a candidate's name (subscription and its resolvers; webhooks are set up
  // by admins and carry it).
  LiveMatchCandidate: {
    displayName: 'identities.readName',
    externalId: 'identities.readName',
  },
} as const satisfies Record<string, Record<string, Permission>>;

/** A type with guarded fields. */
export type GuardedType = keyof typeof FIELD_PERMISSIONS;

/** The permission `typeName.field` needs, or null when it holds no personal data. */
export function fieldPermission(typeName: string, field: string): Permission | null {
  const fields = (FIELD_PERMISSIONS as Record<string, Record<string, Permission> | undefined>)[typeName];
  return fields?.[field] ?? null;
}

/** Throws FORBIDDEN (UNAUTHENTICATED for anonymous) unless `actor` may read `typeName.field`. */
export function authorizeField(actor: Actor, typeName: string, field: string): void {
  const permission = fieldPermission(typeName, field);
  if (permission === null || isAllowed(actor, permission)) return;
  if (actor.kind === 'anonymous') authorize(actor, permission);
  if (actor.kind === 'apiKey') {
    const scopes = scopesFor(permission);
    const ask =
      scopes.length > 0 ? `a key with scope ${scopes.map((s) => `"${s}"`).join(' or ')}` : 'a signed-in user';
    throw new AppError(
      ErrorCode.FORBIDDEN,
      `${typeName}.${field} is personal data that needs ${permission}, which this API key lacks; leave it out of the query or use ${ask}.`,
      { permission, field: `${typeName}.${field}`, scopes },
    );
  }
  throw new AppError(
    ErrorCode.FORBIDDEN,
    `${typeName}.${field} is personal data that needs ${permission}, which your role (${actor.kind === 'user' ? actor.role : actor.kind}) lacks; leave it out of the query or ask an admin.`,
    { permission, field: `${typeName}.${field}` },
  );
}

/** True when `actor` may run `permission` (gallery restrictions of keys are checked separately). */
export function isAllowed(actor: Actor, permission: Permission): boolean {
  const rule = PERMISSIONS[permission];
  switch (actor.kind) {
    case 'system':
      return true;
    case 'user':
      return (rule.roles as readonly Role[]).includes(actor.role);
    case 'apiKey':
      return actor.scopes.some((s) => (rule.scopes as readonly ApiKeyScope[]).includes(s));
    case 'anonymous':
      return false;
  }
}

/** Throws UNAUTHENTICATED or FORBIDDEN unless `actor` may run `permission`. */
export function authorize(actor: Actor, permission: Permission): void {
  if (actor.kind === 'anonymous') {
    throw new AppError(
      ErrorCode.UNAUTHENTICATED,
      'Sign in, or send an API key as "Authorization: Bearer <key>".',
    );
  }
  if (!isAllowed(actor, permission)) {
    if (actor.kind === 'apiKey') {
      const scopes = scopesFor(permission);
      throw new AppError(ErrorCode.FORBIDDEN, keyLacksMessage(permission, scopes), { permission, scopes });
    }
    throw new AppError(
      ErrorCode.FORBIDDEN,
      `Your role (${actor.kind === 'user' ? actor.role : actor.kind}) may not do ${permission}; ask an admin.`,
      { permission },
    );
  }
}

/** The API-key scopes that grant `permission` (empty when only signed-in people have it). */
export function scopesFor(permission: Permission): ApiKeyScope[] {
  const granting = PERMISSIONS[permission].scopes as readonly ApiKeyScope[];
  return API_KEY_SCOPES.filter((s) => granting.includes(s));
}

/** What a key without `permission` should ask for: a scope by name, or signing in when no scope grants it. */
function keyLacksMessage(permission: Permission, scopes: readonly ApiKeyScope[]): string {
  if (scopes.length === 0) {
    const roles = (PERMISSIONS[permission].roles as readonly Role[]).join(', ');
    return `No API key scope allows ${permission}; sign in as a user with role ${roles} instead.`;
  }
  const named = scopes.map((s) => `"${s}"`).join(' or ');
  return `This API key lacks the ${named} scope (needed for ${permission}); ask an admin for a key with scope ${named}.`;
}

/** Throws FORBIDDEN when a gallery-restricted key reaches for another gallery. */
export function authorizeGallery(actor: Actor, galleryId: string): void {
  if (actor.kind === 'apiKey' && actor.galleryId !== null && actor.galleryId !== galleryId) {
    throw new AppError(ErrorCode.FORBIDDEN, 'This API key is limited to another gallery.', { galleryId });
  }
}
