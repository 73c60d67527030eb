// The permission table: which roles and which API-key scopes may run each operation. Services call
// authorize() first thing; tests walk the whole table (permissions.spec.ts).
import type { Role } from '@faceledger/db';
import { AppError, ErrorCode } from '../../shared/app-error.js';
import type { Actor, ApiKeyScope } from './actor.js';

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
  'imports.run': { roles: ['ADMIN', 'HR'], scopes: [] },
  'evaluations.run': { roles: ['ADMIN', 'AUDITOR'], scopes: [] },
} as const satisfies Record<string, { roles: readonly Role[]; scopes: readonly ApiKeyScope[] }>;

export type Permission = keyof typeof PERMISSIONS;

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
    throw new AppError(
      ErrorCode.FORBIDDEN,
      actor.kind === 'apiKey'
        ? `This API key lacks the scope for ${permission}; ask an admin for a key with it.`
        : `Your role (${actor.kind === 'user' ? actor.role : actor.kind}) may not do ${permission}; ask an admin.`,
      { permission },
    );
  }
}

/** Throws FORBIDDEN when a gallery-restricted key reaches for another gallery. */
export function authorizeGallery(actor: Actor, galleryId: string): void {
  if (actor.kind === 'apiKey' && actor.galleryId !== null && actor.galleryId !== galleryId) {
    throw new AppError(ErrorCode.FORBIDDEN, 'This API key is limited to another gallery.', { galleryId });
  }
}
