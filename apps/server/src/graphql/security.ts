// Query limits that keep one request from exhausting the server: depth, cost, aliases, directives
// and tokens (graphql-armor). Rejections come back as GraphQL validation errors with a clear message.
import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ValidationRule } from 'graphql';
import type { AppContext } from './context.js';

/** Limits chosen to fit every operation the admin and the documented API send, with headroom. */
export const QUERY_LIMITS = {
  maxDepth: 10,
  maxCost: 5000,
  maxAliases: 15,
  maxDirectives: 20,
} as const;

/** Plugins and validation rules to hand to Apollo Server. */
export interface QueryLimits {
  plugins: ApolloServerPlugin<AppContext>[];
  validationRules: ValidationRule[];
}

export function createQueryLimits(): QueryLimits {
  const armor = new ApolloArmor({
    maxDepth: { n: QUERY_LIMITS.maxDepth, ignoreIntrospection: true },
    costLimit: { maxCost: QUERY_LIMITS.maxCost, ignoreIntrospection: true },
    maxAliases: { n: QUERY_LIMITS.maxAliases },
    maxDirectives: { n: QUERY_LIMITS.maxDirectives },
    // Token counting re-parses the document and reports syntax errors as validation failures; the
    // body-size limit bounds the token count instead, so parse errors keep GRAPHQL_PARSE_FAILED.
    maxTokens: { enabled: false },
    blockFieldSuggestion: { enabled: true },
  });
  const { plugins, validationRules } = armor.protect();
  // Armor's plugins only read the operation, never the context, so they work with any context type.
  return { plugins: plugins as ApolloServerPlugin<AppContext>[], validationRules };
}
