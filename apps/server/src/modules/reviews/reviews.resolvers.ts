import type { Resolvers } from '@faceledger/schema/server';
import type { AppContext } from '../../graphql/context.js';

export const reviewsResolvers: Resolvers<AppContext> = {
  Query: {
    matchEvents: (_parent, args, ctx) => ctx.services.reviews.listMatchEvents(ctx.actor, args),
    matchEvent: (_parent, args, ctx) => ctx.services.reviews.getMatchEvent(ctx.actor, args.id),
  },
  Mutation: {
    reviewMatch: (_parent, args, ctx) => ctx.services.reviews.reviewMatch(ctx.actor, args),
    setGalleryReviewPolicy: async (_parent, args, ctx) => {
      await ctx.services.reviews.setGalleryReviewPolicy(ctx.actor, args);
      return ctx.services.galleries.get(ctx.actor, args.galleryId);
    },
  },
};
