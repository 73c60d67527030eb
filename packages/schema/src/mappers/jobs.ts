// What job resolvers return before field resolvers run: a Job without its items, which are paged
// per field only when a query asks for them.
import type { Job } from '../generated/graphql.js';

/** A Job as the server's services return it; `items` is resolved on demand. */
export type JobModel = Omit<Job, 'items'>;
