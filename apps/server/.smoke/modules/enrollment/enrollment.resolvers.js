export const enrollmentResolvers = {
    Mutation: {
        enrollFace: (_parent, args, ctx) => ctx.services.enrollment.enrollFace(ctx.actor, args),
    },
    EnrollFaceResult: {
        __resolveType: (result) => result.__typename ?? null,
    },
};
//# sourceMappingURL=enrollment.resolvers.js.map