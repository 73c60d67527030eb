/**
 * The per-request context the server hands every resolver. It is declared here only as an opaque
 * shape so the generated resolver types compile without importing server code; the server narrows it.
 */
export type GraphQLContext = Record<string, unknown>;
