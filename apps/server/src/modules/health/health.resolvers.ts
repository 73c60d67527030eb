import type { Resolvers } from '@faceledger/schema/server';
import type { AppContext } from '../../graphql/context.js';

export const healthResolvers: Resolvers<AppContext> = {
  Query: {
    health: (_parent, _args, ctx) => ctx.services.health.check(ctx.actor),
  },
};
