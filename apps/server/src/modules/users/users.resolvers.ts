import type { Resolvers } from '@faceledger/schema/server';
import type { AppContext } from '../../graphql/context.js';
import { toUserView } from './user-view.js';

export const usersResolvers: Resolvers<AppContext> = {
  Query: {
    users: async (_parent, _args, ctx) => (await ctx.services.users.list(ctx.actor)).map(toUserView),
    actorDirectory: (_parent, _args, ctx) => ctx.services.actorDirectory.read(ctx.actor),
  },
  Mutation: {
    createUser: async (_parent, { input }, ctx) =>
      toUserView(await ctx.services.users.create(ctx.actor, input)),
    updateUser: async (_parent, { id, input }, ctx) =>
      toUserView(await ctx.services.users.update(ctx.actor, id, input)),
  },
};
