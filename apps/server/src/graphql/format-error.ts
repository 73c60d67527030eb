// Maps every error leaving GraphQL to a stable extensions.code. AppErrors keep their message; a
// database outage is DATABASE_UNAVAILABLE; anything else is a bug: logged with the request id,
// and answered without internals.
import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { ErrorCode, isAppError } from '../shared/app-error.js';
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
    if (isRequestRefusal(original)) {
      return {
        message: `${original.message}: the request's persistedQuery extension is wrong. Send the operation as {"query": "..."}, or its sha256Hash as the SHA-256 of that query text with version 1.`,
        locations: formatted.locations,
        path: formatted.path,
        extensions: { code: ErrorCode.BAD_INPUT, field: 'extensions.persistedQuery' },
      };
    }
    logger.error({ err: original, path: formatted.path }, 'unexpected error in a GraphQL operation');
    return {
      message:
        'Something went wrong on the server. Try again; if it keeps failing, report it with the time of the request.',
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: 'INTERNAL' },
    };
  };
}

/**
 * Apollo's refusals of the request itself that carry no code, only an HTTP 4xx status: a
 * persistedQuery extension whose sha256Hash does not match the query or whose version is not 1.
 * (Read from the shape, not instanceof: Apollo may load another copy of graphql's classes.)
 */
function isRequestRefusal(error: unknown): error is Error {
  const http = (error as { extensions?: { http?: { status?: unknown } } } | null)?.extensions?.http;
  const status = http?.status;
  return error instanceof Error && typeof status === 'number' && status >= 400 && status < 500;
}
