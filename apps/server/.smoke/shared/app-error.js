// The one error type of the server. Each code is stable and reaches clients as
// GraphQL `extensions.code` (see graphql/format-error.ts) or as the REST `code` field.
/** Why a request failed. Every code names a situation the client can act on. */
export var ErrorCode;
(function (ErrorCode) {
    /** No valid session cookie or API key: sign in, or send `Authorization: Bearer <key>`. */
    ErrorCode["UNAUTHENTICATED"] = "UNAUTHENTICATED";
    /** Signed in, but the role or the key's scopes do not allow this operation. */
    ErrorCode["FORBIDDEN"] = "FORBIDDEN";
    /** The input is malformed or out of range; the message names the field. */
    ErrorCode["BAD_INPUT"] = "BAD_INPUT";
    /** The thing asked for does not exist (or is not visible to the caller). */
    ErrorCode["NOT_FOUND"] = "NOT_FOUND";
    /** A unique value (name, externalId, email) is taken already. */
    ErrorCode["CONFLICT"] = "CONFLICT";
    /** Too many requests for this key; wait for the number of seconds in `retryAfterSeconds`. */
    ErrorCode["RATE_LIMITED"] = "RATE_LIMITED";
    /** The request body is larger than the server accepts. */
    ErrorCode["PAYLOAD_TOO_LARGE"] = "PAYLOAD_TOO_LARGE";
    /** The image could not be used: not an image, corrupt, too large or too small. */
    ErrorCode["BAD_IMAGE"] = "BAD_IMAGE";
    /** The recognition engine is still loading or failed to start; retry shortly or check /healthz. */
    ErrorCode["ENGINE_UNAVAILABLE"] = "ENGINE_UNAVAILABLE";
    /** A bug or an outage; the message carries a request id to quote in a report. */
    ErrorCode["INTERNAL"] = "INTERNAL";
})(ErrorCode || (ErrorCode = {}));
/** An expected failure with a message that tells the user what to do next. */
export class AppError extends Error {
    code;
    details;
    constructor(code, message, details = {}, options) {
        super(message, options);
        this.code = code;
        this.details = details;
        this.name = 'AppError';
    }
}
export function isAppError(value) {
    return value instanceof AppError;
}
//# sourceMappingURL=app-error.js.map