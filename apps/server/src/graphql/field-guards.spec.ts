// The wrapper itself: every field of FIELD_PERMISSIONS is guarded in the server's resolver maps, a
// module's own resolver still runs after the check, and a field without one reads the parent.
import type { GraphQLResolveInfo } from 'graphql';
import { describe, expect, it, vi } from 'vitest';
import type { Actor } from '../modules/auth/actor.js';
import { FIELD_PERMISSIONS } from '../modules/auth/permissions.js';
import { withFieldGuards } from './field-guards.js';
import { resolvers } from './resolvers.js';

type Resolver = (parent: unknown, args: unknown, ctx: { actor: Actor }, info: GraphQLResolveInfo) => unknown;

const auditor: Actor = { kind: 'user', userId: 'u', email: 'u@example.org', role: 'AUDITOR' };
const reviewer: Actor = { kind: 'user', userId: 'r', email: 'r@example.org', role: 'REVIEWER' };
const info = { fieldName: 'displayName' } as GraphQLResolveInfo;

function guardOf(maps: readonly object[], type: string, field: string): Resolver {
  const last = maps[maps.length - 1] as Record<string, Record<string, Resolver>>;
  const guard = last[type]?.[field];
  if (!guard) throw new Error(`no guard for ${type}.${field}`);
  return guard;
}

describe('withFieldGuards', () => {
  it('guards every field of the table in the resolvers the server serves', () => {
    for (const [type, fields] of Object.entries(FIELD_PERMISSIONS)) {
      for (const field of Object.keys(fields)) {
        expect(() => guardOf(resolvers, type, field)({ [field]: 'x' }, {}, { actor: auditor }, info)).toThrow(
          expect.objectContaining({ code: 'FORBIDDEN' }),
        );
      }
    }
  });

  it("runs a module's own resolver after the check, and reads the parent where there is none", () => {
    const faces = vi.fn(() => ['face-1']);
    const maps = withFieldGuards([{ Identity: { faces } }, { Identity: { gallery: () => null } }]);
    const identity = { id: 'i1', displayName: 'Ada Lovelace', faces: 'not this' };

    expect(guardOf(maps, 'Identity', 'faces')(identity, {}, { actor: reviewer }, info)).toEqual(['face-1']);
    expect(faces).toHaveBeenCalledTimes(1);
    expect(() => guardOf(maps, 'Identity', 'faces')(identity, {}, { actor: auditor }, info)).toThrow(
      expect.objectContaining({
        code: 'FORBIDDEN',
        details: { permission: 'identities.read', field: 'Identity.faces' },
      }),
    );
    expect(faces).toHaveBeenCalledTimes(1);

    expect(guardOf(maps, 'Identity', 'displayName')(identity, {}, { actor: reviewer }, info)).toBe(
      'Ada Lovelace',
    );
    // the modules' maps are kept as they are, the guards come last and so win the merge
    expect(maps.slice(0, 2)).toEqual([
      { Identity: { faces } },
      { Identity: { gallery: expect.any(Function) } },
    ]);
  });

  it('refuses to wrap a resolver object it cannot guard', () => {
    expect(() => withFieldGuards([{ Face: { imageKey: { resolve: () => 'k' } } }])).toThrow(/Face\.imageKey/);
  });
});
