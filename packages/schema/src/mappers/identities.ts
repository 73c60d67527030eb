// What identity resolvers return before field resolvers run: an Identity without its faces, gallery
// and template strength, which are loaded per field only when a query asks for them.
import type { Identity } from '../generated/graphql.js';

/** An Identity as the server's services return it; `faces`, `gallery` and `templateStrength` are resolved on demand. */
export type IdentityModel = Omit<Identity, 'faces' | 'gallery' | 'templateStrength'>;
