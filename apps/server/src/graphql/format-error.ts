// Maps every error leaving GraphQL to a stable extensions.code. AppErrors keep their message; a
// database outage is DATABASE_UNAVAILABLE; anything else is a bug: logged with the request id,
// and answered without internals.
import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { isAppError } from '../shared/app-error.js';
import { databaseUnavailableError, isDatabaseUnavailable } from '../shared/database-unavailable.js';

export function createFormatError(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    let original = unwrapResolverError(error);
    if (!isAppError(original) && isDatabaseUnavailable(original)) {
      logger.warn({ err: original, path: formatted.path }, 'database unavailable during a GraphQL operation');
      original = databaseUnavailableError(original);
    }
    if (isAppError(original)) {
      return {
        message: original.message,
        locations: formatted.locations,
        path: formatted.path,
        extensions: { code: original.code, ...original.details },
      };
    }
    const code = formatted.extensions?.code;
    // Apollo's own codes (parse and validation failures, bad requests) already say what is wrong.
    if (typeof code === 'string' && code !== 'INTERNAL_SERVER_ERROR') return formatted;
    logger.error({ err: original, path: formatted.path }, 'unexpected error in a GraphQL operation');
    return {
      message: 'Something went wrong on the server. Try again; if it keeps failing, report it with the time of the request.',
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: 'INTERNAL' },
    };
  };
}
