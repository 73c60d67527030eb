import type { Resolvers } from '@faceledger/schema/server';
import type { AppContext } from '../../graphql/context.js';
export declare const reviewsResolvers: Resolvers<AppContext>;
