// POST /api/uploads: multipart form with one file field "image"; answers { uploadId } for enrollFace,
// identify, verify, compareFaces and detectFaces. For images over the 10 MB base64 limit, and bulk work.
// The caller is checked before the body is read; the body is streamed to a temporary file.
import { Router, type NextFunction, type Request, type Response } from 'express';
import { ErrorCode, isAppError } from '../../shared/app-error.js';
import { sendErrorResponse } from '../../shared/error-response.js';
import { formOf, receiveMultipart, requireCaller, requiredFile } from '../../shared/multipart.js';
import { actorOf } from '../auth/request-actor.js';
import { MAX_UPLOAD_BYTES, authorizeUpload, type UploadsService } from './uploads.service.js';

/** Largest body of POST /api/uploads: the image and 1 MB of multipart framing. */
export const MAX_UPLOAD_REQUEST_BYTES = MAX_UPLOAD_BYTES + 1024 * 1024;

export function createUploadsRouter(uploads: UploadsService): Router {
  const router = Router();
  router.post(
    '/uploads',
    requireCaller(authorizeUpload),
    receiveMultipart({
      files: [{ name: 'image', maxCount: 1, maxBytes: MAX_UPLOAD_BYTES }],
      textFields: [],
      maxRequestBytes: MAX_UPLOAD_REQUEST_BYTES,
    }),
    async (_req: Request, res: Response) => {
      const form = formOf(res);
      const file = requiredFile(
        form,
        'image',
        'No file received; send the image as multipart/form-data in the field "image".',
      );
      const result = await uploads.upload(actorOf(res), await form.read(file));
      res.status(201).json(result);
    },
  );

  // An empty file is BAD_IMAGE with HTTP 400 here (422 elsewhere), as docs/API.md says; every other
  // error goes on to the app's error handler, which answers it in the same shape.
  router.use('/uploads', (error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (isAppError(error) && error.code === ErrorCode.BAD_IMAGE) sendErrorResponse(res, error, 400);
    else next(error);
  });
  return router;
}
