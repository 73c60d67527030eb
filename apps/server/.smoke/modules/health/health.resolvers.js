export const healthResolvers = {
    Query: {
        health: (_parent, _args, ctx) => ctx.services.health.check(),
    },
};
//# sourceMappingURL=health.resolvers.js.map