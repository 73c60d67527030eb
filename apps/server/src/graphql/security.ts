// Query limits that keep one request from exhausting the server: depth, cost, aliases, directives
// and tokens (graphql-armor), and introspection unless it is turned on. Rejections come back as
// GraphQL validation errors with a clear message, over HTTP and WebSocket alike.
import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ValidationRule } from 'graphql';
// graphql/index.js: the build Apollo and graphql-ws validate with (see graphql-ws.server.ts).
import { GraphQLError } from 'graphql/index.js';
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

/** The answer to __schema or __type while FACELEDGER_GRAPHQL_INTROSPECTION is off. */
export const INTROSPECTION_OFF_MESSAGE =
  'Introspection is turned off on this server: read the schema in packages/schema/sdl/ (see docs/API.md), or have the operator set FACELEDGER_GRAPHQL_INTROSPECTION=true.';

/** Refuses __schema and __type (they exist on Query only); __typename stays allowed. */
const noIntrospection: ValidationRule = (context) => ({
  Field(node) {
    if (node.name.value === '__schema' || node.name.value === '__type') {
      context.reportError(new GraphQLError(INTROSPECTION_OFF_MESSAGE, { nodes: node }));
    }
  },
});

/** `introspection`: answer __schema and __type (FACELEDGER_GRAPHQL_INTROSPECTION); off by default. */
export function createQueryLimits({ introspection = false }: { introspection?: boolean } = {}): QueryLimits {
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
  return {
    plugins: plugins as ApolloServerPlugin<AppContext>[],
    validationRules: introspection ? validationRules : [...validationRules, noIntrospection],
  };
}
