import { toApiKeyView } from './api-key-view.js';
export const apiKeysResolvers = {
    Query: {
        apiKeys: async (_parent, _args, ctx) => (await ctx.services.apiKeys.list(ctx.actor)).map(toApiKeyView),
    },
    Mutation: {
        createApiKey: async (_parent, { input }, ctx) => {
            const { apiKey, secret } = await ctx.services.apiKeys.create(ctx.actor, input);
            return { apiKey: toApiKeyView(apiKey), secret };
        },
        revokeApiKey: async (_parent, { id }, ctx) => toApiKeyView(await ctx.services.apiKeys.revoke(ctx.actor, id)),
    },
};
//# sourceMappingURL=api-keys.resolvers.js.map