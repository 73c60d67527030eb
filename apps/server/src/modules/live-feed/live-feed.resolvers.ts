import type { Resolvers } from '@faceledger/schema/server';
import type { AppContext } from '../../graphql/context.js';
import type { LiveMatchEventModel } from './match-event-bus.js';

/**
 * What these resolvers read from the context; the graphql-ws context (no HTTP request or response)
 * and Apollo's AppContext both provide it.
 */
export type LiveFeedContext = Pick<AppContext, 'services' | 'actor' | 'requestId'>;

export const liveFeedResolvers: Resolvers<LiveFeedContext> = {
  Subscription: {
    matchEvents: {
      subscribe: (_parent, { galleryId, decisions }, ctx) =>
        ctx.services.liveFeed.subscribe(ctx.actor, { galleryId, decisions }),
      resolve: (event: LiveMatchEventModel) => event,
    },
  },
  Query: {
    webhooks: (_parent, { galleryId }, ctx) => ctx.services.webhooks.list(ctx.actor, galleryId),
    webhookDeliveries: (_parent, { webhookId, first }, ctx) =>
      ctx.services.webhooks.deliveries(ctx.actor, webhookId, first),
  },
  Mutation: {
    createWebhook: (_parent, args, ctx) => ctx.services.webhooks.create(ctx.actor, args),
    deleteWebhook: (_parent, { id }, ctx) => ctx.services.webhooks.delete(ctx.actor, id),
  },
};
