// Multipart uploads held in memory (multer), with multer's limit errors and malformed bodies turned
// into typed AppErrors that the error handler answers as 413 or 400.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import multer from 'multer';
import { AppError, ErrorCode } from './app-error.js';

/** Accepts the named file fields (each up to maxCount files) and text fields; limits per file and in all. */
export function receiveFiles(
  fields: ReadonlyArray<{ name: string; maxCount: number }>,
  limits: { fileSizeBytes: number; files: number },
): RequestHandler {
  const receive = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: limits.fileSizeBytes, files: limits.files, fields: 20 },
  }).fields(fields.map((f) => ({ ...f })));
  return (req: Request, res: Response, next: NextFunction) => {
    receive(req, res, (error: unknown) => {
      if (error instanceof multer.MulterError) {
        const tooLarge = error.code === 'LIMIT_FILE_SIZE' || error.code === 'LIMIT_FILE_COUNT';
        next(
          tooLarge
            ? new AppError(
                ErrorCode.PAYLOAD_TOO_LARGE,
                error.code === 'LIMIT_FILE_SIZE'
                  ? `A file is larger than ${Math.round(limits.fileSizeBytes / 1024 / 1024)} MB; split the upload.`
                  : `More than ${limits.files} files were sent; put the photos in a zip or split the upload.`,
              )
            : new AppError(
                ErrorCode.BAD_INPUT,
                `${error.message}${error.field ? ` (field ${error.field})` : ''}; send the fields ${fields.map((f) => f.name).join(', ')}.`,
              ),
        );
        return;
      }
      next(
        error
          ? unreadableMultipart(
              error,
              fields.map((f) => f.name),
            )
          : undefined,
      );
    });
  };
}

/**
 * busboy's own errors (a malformed or truncated multipart body, a client that hung up) as BAD_INPUT
 * naming the fields the route expects; multer's limit errors are mapped by each route.
 */
export function unreadableMultipart(error: unknown, fields: readonly string[]): AppError {
  if (error instanceof AppError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new AppError(
    ErrorCode.BAD_INPUT,
    `The multipart body could not be read (${reason}); send multipart/form-data with the fields ${fields.join(', ')}.`,
  );
}

/** The files received in `field` (empty when none). */
export function filesOf(req: Request, field: string): Express.Multer.File[] {
  const files = req.files;
  if (!files || Array.isArray(files)) return [];
  return files[field] ?? [];
}

/** A text field of the form, trimmed; empty when absent. */
export function textField(req: Request, field: string): string {
  const body = req.body as Record<string, unknown> | undefined;
  const value = body?.[field];
  return typeof value === 'string' ? value.trim() : '';
}
