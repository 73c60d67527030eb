import type { ApolloServerPlugin } from '@apollo/server';
import type { ValidationRule } from 'graphql';
import type { AppContext } from './context.js';
/** Limits chosen to fit every operation the admin and the documented API send, with headroom. */
export declare const QUERY_LIMITS: {
    readonly maxDepth: 10;
    readonly maxCost: 5000;
    readonly maxAliases: 15;
    readonly maxDirectives: 20;
    readonly maxTokens: 2000;
};
/** Plugins and validation rules to hand to Apollo Server. */
export interface QueryLimits {
    plugins: ApolloServerPlugin<AppContext>[];
    validationRules: ValidationRule[];
}
export declare function createQueryLimits(): QueryLimits;
