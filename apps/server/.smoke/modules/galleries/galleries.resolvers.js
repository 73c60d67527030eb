export const galleriesResolvers = {
    Query: {
        galleries: (_parent, _args, ctx) => ctx.services.galleries.list(ctx.actor),
        gallery: (_parent, { id }, ctx) => ctx.services.galleries.get(ctx.actor, id),
    },
    Mutation: {
        createGallery: (_parent, { input }, ctx) => ctx.services.galleries.create(ctx.actor, input),
        updateGallery: (_parent, { id, input }, ctx) => ctx.services.galleries.update(ctx.actor, id, input),
        deleteGallery: (_parent, { id }, ctx) => ctx.services.galleries.delete(ctx.actor, id),
    },
};
//# sourceMappingURL=galleries.resolvers.js.map