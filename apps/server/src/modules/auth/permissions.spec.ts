import { Role } from '@faceledger/db';
import { describe, expect, it } from 'vitest';
import { API_KEY_SCOPES, type Actor, type ApiKeyScope } from './actor.js';
import { authorize, authorizeGallery, isAllowed, PERMISSIONS, type Permission } from './permissions.js';

const ROLES = Object.values(Role);

/**
 * The role and scope matrix as reviewed, written out independently of PERMISSIONS so that a change
 * to the table shows up here. Roles: A=ADMIN H=HR R=REVIEWER U=AUDITOR; scopes: d=detect v=verify
 * i=identify e=enroll r=read; "." = not allowed. A new permission needs a row here.
 */
const EXPECTED: Record<string, [roles: string, scopes: string]> = {
  'users.manage': ['A...', '.....'],
  'apiKeys.manage': ['A...', '.....'],
  'galleries.read': ['AHRU', '.vier'],
  'galleries.create': ['AH..', '.....'],
  'galleries.write': ['A...', '.....'],
  'identities.read': ['AHR.', '...er'],
  'identities.write': ['AH..', '...e.'],
  'identities.erase': ['AH..', '.....'],
  'faces.enroll': ['AH..', '...e.'],
  'faces.detect': ['AHR.', 'd....'],
  'faces.verify': ['AHR.', '.v...'],
  'faces.identify': ['AHR.', '..i..'],
  'matchEvents.read': ['A.RU', '....r'],
  'matchEvents.review': ['A.R.', '.....'],
  'matchEvents.subscribe': ['A.RU', '..i.r'],
  'webhooks.manage': ['A...', '.....'],
  'audit.read': ['A..U', '.....'],
  'audit.export': ['A..U', '.....'],
  'imports.run': ['AH..', '.....'],
  'evaluations.run': ['A..U', '.....'],
};

const ROLE_LETTERS: Record<Role, string> = { ADMIN: 'A', HR: 'H', REVIEWER: 'R', AUDITOR: 'U' };
const SCOPE_LETTERS: Record<ApiKeyScope, string> = {
  detect: 'd',
  verify: 'v',
  identify: 'i',
  enroll: 'e',
  read: 'r',
};
const permissions = Object.keys(PERMISSIONS) as Permission[];

function userActor(role: Role): Actor {
  return { kind: 'user', userId: `user-${role}`, email: `${role}@example.org`, role };
}

function keyActor(scopes: readonly ApiKeyScope[], galleryId: string | null = null): Actor {
  return { kind: 'apiKey', keyId: 'key-1', scopes, galleryId, createdById: 'user-ADMIN' };
}

function expectedFor(permission: Permission): [string, string] {
  const row = EXPECTED[permission];
  if (!row) throw new Error(`Add a row for ${permission} to EXPECTED in permissions.spec.ts`);
  return row;
}

describe('the permission table', () => {
  it('has exactly the reviewed rows', () => {
    expect(permissions.slice().sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it('gives every permission to ADMIN', () => {
    for (const permission of permissions)
      expect(isAllowed(userActor('ADMIN'), permission), permission).toBe(true);
  });

  describe.each(permissions)('%s', (permission) => {
    it.each(ROLES)('for role %s matches the matrix, in isAllowed and authorize', (role) => {
      const allowed = expectedFor(permission)[0].includes(ROLE_LETTERS[role]);
      const actor = userActor(role);
      expect(isAllowed(actor, permission)).toBe(allowed);
      if (allowed) {
        expect(() => authorize(actor, permission)).not.toThrow();
      } else {
        expect(() => authorize(actor, permission)).toThrow(
          expect.objectContaining({
            code: 'FORBIDDEN',
            details: { permission },
            message: expect.stringContaining(role),
          }),
        );
      }
    });

    it.each([...API_KEY_SCOPES])('for an API key with only scope %s matches the matrix', (scope) => {
      const allowed = expectedFor(permission)[1].includes(SCOPE_LETTERS[scope]);
      const actor = keyActor([scope]);
      expect(isAllowed(actor, permission)).toBe(allowed);
      if (allowed) expect(() => authorize(actor, permission)).not.toThrow();
      else
        expect(() => authorize(actor, permission)).toThrow(
          expect.objectContaining({ code: 'FORBIDDEN', message: expect.stringContaining('scope') }),
        );
    });

    it('allows a key with every scope exactly when some scope is allowed, and a key with none never', () => {
      expect(isAllowed(keyActor(API_KEY_SCOPES), permission)).toBe(expectedFor(permission)[1] !== '.....');
      expect(isAllowed(keyActor([]), permission)).toBe(false);
    });

    it('asks an anonymous caller to sign in, and lets the system do it', () => {
      expect(isAllowed({ kind: 'anonymous' }, permission)).toBe(false);
      expect(() => authorize({ kind: 'anonymous' }, permission)).toThrow(
        expect.objectContaining({ code: 'UNAUTHENTICATED' }),
      );
      expect(isAllowed({ kind: 'system' }, permission)).toBe(true);
      expect(() => authorize({ kind: 'system' }, permission)).not.toThrow();
    });
  });
});

describe('authorizeGallery', () => {
  it('holds a gallery-restricted key to its gallery and leaves everyone else alone', () => {
    expect(() => authorizeGallery(keyActor(['identify'], 'g1'), 'g1')).not.toThrow();
    expect(() => authorizeGallery(keyActor(['identify'], 'g1'), 'g2')).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN', details: { galleryId: 'g2' } }),
    );
    expect(() => authorizeGallery(keyActor(['identify']), 'g2')).not.toThrow();
    for (const role of ROLES) expect(() => authorizeGallery(userActor(role), 'g2')).not.toThrow();
    expect(() => authorizeGallery({ kind: 'system' }, 'g2')).not.toThrow();
  });
});
