import type { Resolvers } from '@faceledger/schema/server';
import type { AppContext } from '../../graphql/context.js';
import { templateStrength } from './template-strength.js';

export const identitiesResolvers: Resolvers<AppContext> = {
  Query: {
    identity: (_parent, { id }, ctx) => ctx.services.identities.get(ctx.actor, id),
    identities: (_parent, args, ctx) => ctx.services.identities.list(ctx.actor, args),
  },
  Mutation: {
    createIdentity: (_parent, { input }, ctx) => ctx.services.identities.create(ctx.actor, input),
    updateIdentity: (_parent, { id, input }, ctx) => ctx.services.identities.update(ctx.actor, id, input),
    suspendIdentity: (_parent, { id }, ctx) => ctx.services.identities.suspend(ctx.actor, id),
    reactivateIdentity: (_parent, { id }, ctx) => ctx.services.identities.reactivate(ctx.actor, id),
    eraseIdentity: (_parent, { id }, ctx) => ctx.services.identityErasure.erase(ctx.actor, id),
  },
  Identity: {
    gallery: (identity, _args, ctx) => ctx.services.galleries.get(ctx.actor, identity.galleryId),
    faces: (identity, _args, ctx) => ctx.services.identities.listFaces(ctx.actor, identity.id),
    templateStrength: async (identity, _args, ctx) =>
      templateStrength(await ctx.services.identities.listFaces(ctx.actor, identity.id)),
  },
};
