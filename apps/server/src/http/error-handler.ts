// Last Express middleware: turns errors raised before GraphQL or REST handlers run (a body over the
// size limit, malformed JSON, a bad or rate-limited API key, a database outage) and AppErrors from
// REST routes into answers in the one error shape (shared/error-response.ts).
import type { ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';
import { AppError, ErrorCode, isAppError } from '../shared/app-error.js';
import { databaseUnavailableError, isDatabaseUnavailable } from '../shared/database-unavailable.js';
import { sendErrorResponse } from '../shared/error-response.js';

export function createErrorHandler(logger: Logger, maxBodyBytes: number): ErrorRequestHandler {
  return (error: unknown, _req, res, next) => {
    if (res.headersSent) return next(error);
    sendErrorResponse(res, toAppError(error, logger, maxBodyBytes));
  };
}

/** The AppError to answer for `error`; anything unexpected is logged and becomes INTERNAL. */
function toAppError(error: unknown, logger: Logger, maxBodyBytes: number): AppError {
  if (isAppError(error)) return error;
  const type = (error as { type?: string }).type;
  if (type === 'entity.too.large') {
    const mb = Math.round(maxBodyBytes / 1024 / 1024);
    return new AppError(
      ErrorCode.PAYLOAD_TOO_LARGE,
      `The request is larger than ${mb} MB. Send big images through POST /api/uploads.`,
    );
  }
  if (type === 'entity.parse.failed') {
    return new AppError(
      ErrorCode.BAD_INPUT,
      'The request body is not valid JSON. Send {"query": "...", "variables": {...}}.',
    );
  }
  if (isDatabaseUnavailable(error)) {
    logger.warn({ err: error }, 'database unavailable in an HTTP route');
    return databaseUnavailableError(error);
  }
  logger.error({ err: error }, 'unhandled error in an HTTP route');
  return new AppError(
    ErrorCode.INTERNAL,
    'Something went wrong on the server. Try again; if it keeps failing, report it with the time of the request.',
  );
}
