import type { ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';
export declare function createErrorHandler(logger: Logger, maxBodyBytes: number): ErrorRequestHandler;
