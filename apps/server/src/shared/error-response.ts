// How an AppError is answered when it fails a whole HTTP request rather than one GraphQL field: REST
// routes, body parsing, credentials and the rate limiter. The body is the GraphQL error shape, so
// clients read `errors[0].extensions.code` the same way from every endpoint.
import type { Response } from 'express';
import { ErrorCode, type AppError } from './app-error.js';

/** The HTTP status of each code when it is the answer to the whole request. */
export const HTTP_STATUS_OF_CODE: Readonly<Record<ErrorCode, number>> = {
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.BAD_INPUT]: 400,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.CONFLICT]: 409,
  [ErrorCode.RATE_LIMITED]: 429,
  [ErrorCode.PAYLOAD_TOO_LARGE]: 413,
  [ErrorCode.BAD_IMAGE]: 422,
  [ErrorCode.ENGINE_UNAVAILABLE]: 503,
  [ErrorCode.DATABASE_UNAVAILABLE]: 503,
  [ErrorCode.INTERNAL]: 500,
};

/** The body of every error answer outside GraphQL: one entry of a GraphQL `errors` array. */
export interface ErrorResponseBody {
  errors: [{ message: string; extensions: { code: ErrorCode; [detail: string]: unknown } }];
}

/** The Retry-After value (seconds) for a RATE_LIMITED error: its retryAfterSeconds, else a minute. */
export function retryAfterOf(error: AppError): string {
  return String(error.details.retryAfterSeconds ?? 60);
}

function errorResponseBody(error: AppError): ErrorResponseBody {
  return { errors: [{ message: error.message, extensions: { code: error.code, ...error.details } }] };
}

/**
 * Answers `error`: the status of its code (or `status`, for a route that documents another), a
 * Retry-After header when it is RATE_LIMITED, and the GraphQL error shape.
 */
export function sendErrorResponse(
  res: Response,
  error: AppError,
  status = HTTP_STATUS_OF_CODE[error.code],
): void {
  if (error.code === ErrorCode.RATE_LIMITED || error.code === ErrorCode.DATABASE_UNAVAILABLE)
    res.setHeader('retry-after', retryAfterOf(error));
  res.status(status).json(errorResponseBody(error));
}
