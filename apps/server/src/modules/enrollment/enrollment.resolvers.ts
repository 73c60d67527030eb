import type { Resolvers } from '@faceledger/schema/server';
import type { AppContext } from '../../graphql/context.js';

export const enrollmentResolvers: Resolvers<AppContext> = {
  Query: {
    faceWarnings: (_parent, args, ctx) => ctx.services.enrollment.faceWarnings(ctx.actor, args),
  },
  Mutation: {
    enrollFace: (_parent, args, ctx) => ctx.services.enrollment.enrollFace(ctx.actor, args),
    replaceFace: (_parent, args, ctx) => ctx.services.enrollment.replaceFace(ctx.actor, args),
    deleteFace: (_parent, args, ctx) => ctx.services.enrollment.deleteFace(ctx.actor, args),
    resolveFaceWarning: (_parent, args, ctx) => ctx.services.enrollment.resolveFaceWarning(ctx.actor, args),
  },
  EnrollFaceResult: {
    __resolveType: (result) => result.__typename ?? null,
  },
};
