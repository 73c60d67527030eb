import type { Resolvers } from '@faceledger/schema/server';
import type { AppContext } from '../../graphql/context.js';

export const enrollmentResolvers: Resolvers<AppContext> = {
  Mutation: {
    enrollFace: (_parent, args, ctx) => ctx.services.enrollment.enrollFace(ctx.actor, args),
  },
  EnrollFaceResult: {
    __resolveType: (result) => result.__typename ?? null,
  },
};
