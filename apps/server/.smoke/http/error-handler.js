import { ErrorCode, isAppError } from '../shared/app-error.js';
const STATUS = {
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
function body(code, message, details = {}) {
    return { errors: [{ message, extensions: { code, ...details } }] };
}
export function createErrorHandler(logger, maxBodyBytes) {
    return (error, _req, res, next) => {
        if (res.headersSent)
            return next(error);
        if (isAppError(error)) {
            res.status(STATUS[error.code] ?? 500).json(body(error.code, error.message, error.details));
            return;
        }
        const type = error.type;
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
//# sourceMappingURL=error-handler.js.map