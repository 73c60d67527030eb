import { ApolloArmor } from '@escape.tech/graphql-armor';
/** Limits chosen to fit every operation the admin and the documented API send, with headroom. */
export const QUERY_LIMITS = {
    maxDepth: 10,
    maxCost: 5000,
    maxAliases: 15,
    maxDirectives: 20,
    maxTokens: 2000,
};
export function createQueryLimits() {
    const armor = new ApolloArmor({
        maxDepth: { n: QUERY_LIMITS.maxDepth, ignoreIntrospection: true },
        costLimit: { maxCost: QUERY_LIMITS.maxCost, ignoreIntrospection: true },
        maxAliases: { n: QUERY_LIMITS.maxAliases },
        maxDirectives: { n: QUERY_LIMITS.maxDirectives },
        maxTokens: { n: QUERY_LIMITS.maxTokens },
        blockFieldSuggestion: { enabled: true },
    });
    const { plugins, validationRules } = armor.protect();
    // Armor's plugins only read the operation, never the context, so they work with any context type.
    return { plugins: plugins, validationRules };
}
//# sourceMappingURL=security.js.map