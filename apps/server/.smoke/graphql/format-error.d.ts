import type { GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
export declare function createFormatError(logger: Logger): (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
