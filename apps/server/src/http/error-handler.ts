// Last Express middleware: turns errors raised before GraphQL or REST handlers run (a body over the
// size limit, malformed JSON, a body in a charset or compression the parser cannot read, a path
// that is not valid percent-encoding, a bad or
// rate-limited API key, a database outage) and AppErrors from
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
  // Express's router cannot decode a path parameter: a % without two hex digits, or bytes that are not UTF-8.
  if (error instanceof URIError && (error as { status?: unknown }).status === 400) {
    return new AppError(
      ErrorCode.BAD_INPUT,
      'A part of the request path is not valid percent-encoding; encode each id or key in the path with encodeURIComponent.',
      { field: 'path' },
    );
  }
  const unreadable = unreadableBodyError(error, type);
  if (unreadable) return unreadable;
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

/**
 * BAD_INPUT for the other refusals of the JSON body parser (body-parser and raw-body raise them as
 * http-errors with a 4xx status): a charset other than UTF-8, an unknown Content-Encoding, a
 * compressed body that does not inflate, a body shorter than its Content-Length. Null for anything else.
 */
function unreadableBodyError(error: unknown, type: string | undefined): AppError | null {
  const { status, expose, charset, encoding } = error as {
    status?: unknown;
    expose?: unknown;
    charset?: unknown;
    encoding?: unknown;
  };
  if (expose !== true || typeof status !== 'number' || status < 400 || status > 499) return null;
  if (type === 'charset.unsupported')
    return new AppError(
      ErrorCode.BAD_INPUT,
      `The request body's charset "${String(charset)}" is not supported; send the JSON as UTF-8 (content-type: application/json).`,
      { field: 'content-type' },
    );
  if (type === 'encoding.unsupported')
    return new AppError(
      ErrorCode.BAD_INPUT,
      `The Content-Encoding "${String(encoding)}" is not supported; send the body uncompressed, or compressed with gzip, deflate or br.`,
      { field: 'content-encoding' },
    );
  return new AppError(
    ErrorCode.BAD_INPUT,
    'The request body could not be read (cut short, or compressed data that does not match its Content-Encoding); send the whole body again as JSON.',
  );
}
