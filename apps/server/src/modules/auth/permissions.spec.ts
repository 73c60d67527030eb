import { Role } from '@faceledger/db';
import { loadTypeDefs } from '@faceledger/schema';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { describe, expect, it } from 'vitest';
import { API_KEY_SCOPES, type Actor, type ApiKeyScope } from './actor.js';
import {
  authorize,
  authorizeField,
  authorizeGallery,
  FIELD_PERMISSIONS,
  fieldPermission,
  isAllowed,
  PERMISSIONS,
  type Permission,
} from './permissions.js';

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
  'identities.readName': ['AHR.', '..ier'],
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
  'directory.read': ['A..U', '.....'],
  'imports.run': ['AH..', '.....'],
  'evaluations.run': ['A..U', '.....'],
  'cameras.read': ['A.RU', '.....'],
  'cameras.manage': ['A...', '.....'],
  'sightings.read': ['A.R.', '....r'],
  'sightings.search': ['A.R.', '.....'],
  'sightings.review': ['A.R.', '.....'],
  'health.details': ['A...', '.....'],
};

/**
 * Who may read each field holding personal data, wherever the object is reached, written out
 * independently of FIELD_PERMISSIONS (same letters as above). An AUDITOR sees a match event's ids,
 * scores and decisions but no name; identify keys see who matched but not metadata, consent or
 * face images; verify keys see no face image or geometry. A new field of these types needs a row
 * here or in PUBLIC_FIELDS.
 */
const EXPECTED_FIELDS: Record<string, [roles: string, scopes: string]> = {
  'Identity.externalId': ['AHR.', '..ier'],
  'Identity.displayName': ['AHR.', '..ier'],
  'Identity.metadata': ['AHR.', '...er'],
  'Identity.consentGivenAt': ['AHR.', '...er'],
  'Identity.consentGivenBy': ['AHR.', '...er'],
  'Identity.faces': ['AHR.', '...er'],
  'Identity.templateStrength': ['AHR.', '...er'],
  'Face.imageKey': ['AHR.', '...er'],
  'Face.box': ['AHR.', '...er'],
  'Face.landmarks': ['AHR.', '...er'],
  'LiveMatchCandidate.displayName': ['AHR.', '..ier'],
  'LiveMatchCandidate.externalId': ['AHR.', '..ier'],
};

/** Fields of the guarded types that hold no personal data, and why. */
const PUBLIC_FIELDS: Record<string, string> = {
  'Identity.id': 'an opaque id',
  'Identity.galleryId': 'an opaque id',
  'Identity.gallery': 'the gallery, guarded by galleries.read',
  'Identity.status': 'ACTIVE, SUSPENDED or ERASED',
  'Identity.faceCount': 'a count',
  'Identity.createdAt': 'when the record was made',
  'Identity.updatedAt': 'when the record changed',
  'Face.id': 'an opaque id',
  'Face.quality': 'sharpness, brightness, contrast and size of the photo, not of the person',
  'Face.modelId': 'the embedding model',
  'Face.createdAt': 'when the face was enrolled',
  'LiveMatchCandidate.identityId': 'an opaque id',
  'LiveMatchCandidate.score': 'a similarity',
};

/** The fields of an object type (graphql-tools' schema, so no instanceof checks across builds). */
function fieldsOf(
  schema: ReturnType<typeof makeExecutableSchema>,
  type: string,
): Record<string, { type: unknown }> {
  return (schema.getType(type) as unknown as { getFields(): Record<string, { type: unknown }> }).getFields();
}

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
      else {
        // The message names what to ask for: the scopes of the matrix row, or signing in when it has none.
        const scopes = API_KEY_SCOPES.filter((s) => expectedFor(permission)[1].includes(SCOPE_LETTERS[s]));
        expect(() => authorize(actor, permission)).toThrow(
          expect.objectContaining({ code: 'FORBIDDEN', details: { permission, scopes } }),
        );
        let message = '';
        try {
          authorize(actor, permission);
        } catch (error) {
          message = (error as Error).message;
        }
        if (scopes.length === 0)
          expect(message).toMatch(/^No API key scope allows .*; sign in as a user with role /);
        for (const s of scopes) expect(message).toContain(`"${s}"`);
      }
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

describe('the field table', () => {
  const fields = Object.entries(FIELD_PERMISSIONS).flatMap(([type, map]) =>
    Object.keys(map).map((field) => `${type}.${field}`),
  );

  function expectedForField(field: string): [string, string] {
    const row = EXPECTED_FIELDS[field];
    if (!row) throw new Error(`Add a row for ${field} to EXPECTED_FIELDS in permissions.spec.ts`);
    return row;
  }

  it('has exactly the reviewed rows, and every field of the guarded types is guarded or public', () => {
    expect(fields.slice().sort()).toEqual(Object.keys(EXPECTED_FIELDS).sort());
    const schema = makeExecutableSchema({ typeDefs: loadTypeDefs() });
    for (const type of Object.keys(FIELD_PERMISSIONS)) {
      const inSchema = Object.keys(fieldsOf(schema, type)).map((field) => `${type}.${field}`);
      const classified = [...fields, ...Object.keys(PUBLIC_FIELDS)].filter((f) => f.startsWith(`${type}.`));
      expect(inSchema.sort(), type).toEqual(classified.sort());
    }
  });

  it('guards only nullable fields, so a refusal nulls the field and not the object around it', () => {
    const schema = makeExecutableSchema({ typeDefs: loadTypeDefs() });
    for (const field of fields) {
      const [type, name] = field.split('.') as [string, string];
      const fieldType = String(fieldsOf(schema, type)[name]?.type);
      expect(fieldType.endsWith('!'), `${field}: ${fieldType}`).toBe(false);
    }
  });

  describe.each(fields)('%s', (field) => {
    const [type, name] = field.split('.') as [string, string];

    it.each(ROLES)('for role %s matches the matrix', (role) => {
      const allowed = expectedForField(field)[0].includes(ROLE_LETTERS[role]);
      const check = () => authorizeField(userActor(role), type, name);
      if (allowed) expect(check).not.toThrow();
      else
        expect(check).toThrow(
          expect.objectContaining({
            code: 'FORBIDDEN',
            details: { permission: fieldPermission(type, name), field },
            message: expect.stringContaining(role),
          }),
        );
    });

    it.each([...API_KEY_SCOPES])('for an API key with only scope %s matches the matrix', (scope) => {
      const allowed = expectedForField(field)[1].includes(SCOPE_LETTERS[scope]);
      const check = () => authorizeField(keyActor([scope]), type, name);
      if (allowed) expect(check).not.toThrow();
      else
        expect(check).toThrow(
          expect.objectContaining({ code: 'FORBIDDEN', details: expect.objectContaining({ field }) }),
        );
    });

    it('asks an anonymous caller to sign in, and lets the system read it', () => {
      expect(() => authorizeField({ kind: 'anonymous' }, type, name)).toThrow(
        expect.objectContaining({ code: 'UNAUTHENTICATED' }),
      );
      expect(() => authorizeField({ kind: 'system' }, type, name)).not.toThrow();
    });
  });

  it('lets anyone read the public fields', () => {
    for (const field of Object.keys(PUBLIC_FIELDS)) {
      const [type, name] = field.split('.') as [string, string];
      expect(fieldPermission(type, name), field).toBeNull();
      expect(() => authorizeField(keyActor(['detect']), type, name)).not.toThrow();
    }
  });
});
