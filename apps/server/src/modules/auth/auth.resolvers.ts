import type { Resolvers } from '@faceledger/schema/server';
import type { AppContext } from '../../graphql/context.js';
import { toApiKeyView } from '../api-keys/api-key-view.js';
import { toUserView } from '../users/user-view.js';
import { clearSessionCookie, readSessionCookie, writeSessionCookie } from './session-cookie.js';
import { signInSource } from './sign-in-source.js';

export const authResolvers: Resolvers<AppContext> = {
  Query: {
    viewer: async (_parent, _args, ctx) => {
      if (ctx.actor.kind !== 'user' && ctx.actor.kind !== 'apiKey') return null;
      const [user, apiKey] = await Promise.all([
        ctx.services.users.findViewer(ctx.actor),
        ctx.services.apiKeys.findViewer(ctx.actor),
      ]);
      // A key does not learn which admin made it: that would hand integrators an admin's email.
      return {
        user: user ? toUserView(user) : null,
        apiKey: apiKey ? { ...toApiKeyView(apiKey), createdBy: null } : null,
      };
    },
  },
  Mutation: {
    signIn: async (_parent, { email, password }, ctx) => {
      const { user, sessionToken, expiresAt } = await ctx.services.auth.signIn(
        email,
        password,
        signInSource(ctx.req),
      );
      writeSessionCookie(ctx.req, ctx.res, ctx.services.auth.settings, sessionToken, expiresAt);
      return toUserView(user);
    },
    signOut: async (_parent, _args, ctx) => {
      const ended = await ctx.services.auth.signOut(ctx.actor, readSessionCookie(ctx.req));
      clearSessionCookie(ctx.req, ctx.res, ctx.services.auth.settings);
      return ended;
    },
  },
};
