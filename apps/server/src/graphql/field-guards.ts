// Field-level access: wraps the resolver of every field in FIELD_PERMISSIONS (modules/auth/permissions.ts)
// so that a caller without its permission gets null and a FORBIDDEN error at that path, however the
// object was reached. Applied once to the merged resolver maps, so HTTP and WebSocket share it.
import { defaultFieldResolver, type GraphQLFieldResolver } from 'graphql';
import type { Actor } from '../modules/auth/actor.js';
import { authorizeField, FIELD_PERMISSIONS } from '../modules/auth/permissions.js';

/** The part of a resolver map this module reads and writes. */
type ResolverMap = Record<string, unknown>;
type FieldResolver = GraphQLFieldResolver<unknown, { actor: Actor }>;

/** The resolver graphql-tools would use for `typeName.field`: the last map's wins, as in its merge. */
function resolverOf(maps: readonly ResolverMap[], typeName: string, field: string): FieldResolver {
  for (const map of [...maps].reverse()) {
    const entry = (map[typeName] as Record<string, unknown> | undefined)?.[field];
    if (typeof entry === 'function') return entry as FieldResolver;
    if (entry !== undefined) {
      throw new Error(
        `${typeName}.${field} has a resolver object; field-guards.ts wraps only plain resolvers.`,
      );
    }
  }
  // graphql's own default (parent[field]); it is the same function graphql-tools would use.
  return defaultFieldResolver as FieldResolver;
}

/** `maps` plus one map that guards every field of FIELD_PERMISSIONS; pass the result to the schema. */
export function withFieldGuards<T extends object>(maps: readonly T[]): T[] {
  const guards: Record<string, Record<string, FieldResolver>> = {};
  for (const [typeName, fields] of Object.entries(FIELD_PERMISSIONS)) {
    const typeGuards: Record<string, FieldResolver> = {};
    for (const field of Object.keys(fields)) {
      const resolve = resolverOf(maps as readonly ResolverMap[], typeName, field);
      typeGuards[field] = (parent, args, ctx, info) => {
        authorizeField(ctx.actor, typeName, field);
        return resolve(parent, args, ctx, info);
      };
    }
    guards[typeName] = typeGuards;
  }
  return [...maps, guards as T];
}
