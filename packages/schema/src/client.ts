// Typed documents and types for browser code: no Node imports, so the admin can bundle it.
export * from './generated/graphql.js';
