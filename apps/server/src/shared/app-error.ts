// The one error type of the server. Each code is stable and reaches clients as `extensions.code`
// of a GraphQL error: inside GraphQL answers (graphql/format-error.ts) and as the whole answer of a
// failed REST or HTTP request (shared/error-response.ts).

/** Why a request failed. Every code names a situation the client can act on. */
export enum ErrorCode {
  /** No valid session cookie or API key: sign in, or send `Authorization: Bearer <key>`. */
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  /** Signed in, but the role or the key's scopes do not allow this operation. */
  FORBIDDEN = 'FORBIDDEN',
  /** The input is malformed or out of range; the message names the field. */
  BAD_INPUT = 'BAD_INPUT',
  /** The thing asked for does not exist (or is not visible to the caller). */
  NOT_FOUND = 'NOT_FOUND',
  /** A unique value (name, externalId, email) is taken already. */
  CONFLICT = 'CONFLICT',
  /** Too many requests for this key; wait for the number of seconds in `retryAfterSeconds`. */
  RATE_LIMITED = 'RATE_LIMITED',
  /** The request body is larger than the server accepts. */
  PAYLOAD_TOO_LARGE = 'PAYLOAD_TOO_LARGE',
  /** The image could not be used: not an image, corrupt, too large or too small. */
  BAD_IMAGE = 'BAD_IMAGE',
  /** The recognition engine is still loading or failed to start; retry shortly or check /healthz. */
  ENGINE_UNAVAILABLE = 'ENGINE_UNAVAILABLE',
  /** The database cannot be reached; retry after the number of seconds in `retryAfterSeconds`. */
  DATABASE_UNAVAILABLE = 'DATABASE_UNAVAILABLE',
  /** A bug or an outage; the message carries a request id to quote in a report. */
  INTERNAL = 'INTERNAL',
}

/** An expected failure with a message that tells the user what to do next. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'AppError';
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}
