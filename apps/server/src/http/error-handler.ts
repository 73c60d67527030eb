// Last Express middleware: turns errors raised before GraphQL or REST handlers run (a body over the
// size limit, malformed JSON) and AppErrors from REST routes into typed JSON answers.
import type { ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';
import { ErrorCode, isAppError } from '../shared/app-error.js';

const STATUS: Partial<Record<ErrorCode, number>> = {
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.BAD_INPUT]: 400,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.CONFLICT]: 409,
  [ErrorCode.RATE_LIMITED]: 429,
  [ErrorCode.PAYLOAD_TOO_LARGE]: 413,
  [ErrorCode.BAD_IMAGE]: 422,
  [ErrorCode.ENGINE_UNAVAILABLE]: 503,
};

/** The body of an error answer: the GraphQL error shape, so clients parse one format everywhere. */
function body(code: string, message: string, details: Record<string, unknown> = {}) {
  return { errors: [{ message, extensions: { code, ...details } }] };
}

export function createErrorHandler(logger: Logger, maxBodyBytes: number): ErrorRequestHandler {
  return (error: unknown, _req, res, next) => {
    if (res.headersSent) return next(error);
    if (isAppError(error)) {
      if (error.code === ErrorCode.RATE_LIMITED) res.setHeader('retry-after', String(error.details.retryAfterSeconds ?? 60));
      res.status(STATUS[error.code] ?? 500).json(body(error.code, error.message, error.details));
      return;
    }
    const type = (error as { type?: string }).type;
    if (type === 'entity.too.large') {
      const mb = Math.round(maxBodyBytes / 1024 / 1024);
      res
        .status(413)
        .json(body(ErrorCode.PAYLOAD_TOO_LARGE, `The request is larger than ${mb} MB. Send big images through POST /api/uploads.`));
      return;
    }
    if (type === 'entity.parse.failed') {
      res.status(400).json(body(ErrorCode.BAD_INPUT, 'The request body is not valid JSON. Send {"query": "...", "variables": {...}}.'));
      return;
    }
    logger.error({ err: error }, 'unhandled error in an HTTP route');
    res.status(500).json(body(ErrorCode.INTERNAL, 'Something went wrong on the server. Try again; if it keeps failing, report it with the time of the request.'));
  };
}
