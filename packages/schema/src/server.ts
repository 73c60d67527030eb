// Resolver types for the server only (the admin never imports this entry).
export type * from './generated/resolvers.js';
export type { GraphQLContext } from './context.js';
export type { IdentityModel } from './mappers/identities.js';
export type { JobModel } from './mappers/jobs.js';
