export const reviewsResolvers = {
    Query: {
        matchEvents: (_parent, args, ctx) => ctx.services.reviews.listMatchEvents(ctx.actor, args),
        matchEvent: (_parent, args, ctx) => ctx.services.reviews.getMatchEvent(ctx.actor, args.id),
    },
    Mutation: {
        reviewMatch: (_parent, args, ctx) => ctx.services.reviews.reviewMatch(ctx.actor, args),
    },
};
//# sourceMappingURL=reviews.resolvers.js.map