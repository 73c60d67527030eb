export const matchingResolvers = {
    Mutation: {
        identify: (_parent, args, ctx) => ctx.services.matching.identify(ctx.actor, args),
        verify: (_parent, args, ctx) => ctx.services.matching.verify(ctx.actor, args),
        compareFaces: (_parent, args, ctx) => ctx.services.matching.compareFaces(ctx.actor, args),
        detectFaces: (_parent, args, ctx) => ctx.services.matching.detectFaces(ctx.actor, args),
    },
};
//# sourceMappingURL=matching.resolvers.js.map