// Every module's resolvers, merged into the one map Apollo Server takes.
import { healthResolvers } from '../modules/health/health.resolvers.js';

export const resolvers = [healthResolvers];
