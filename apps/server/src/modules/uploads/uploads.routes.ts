// POST /api/uploads: multipart form with one file field "image"; answers { uploadId } for enrollFace,
// identify, verify, compareFaces and detectFaces. For images over the 10 MB base64 limit, and bulk work.
import { Router, type NextFunction, type Request, type Response } from 'express';
import multer from 'multer';
import { AppError, ErrorCode, isAppError } from '../../shared/app-error.js';
import { sendErrorResponse } from '../../shared/error-response.js';
import { unreadableMultipart } from '../../shared/multipart.js';
import { actorOf } from '../auth/request-actor.js';
import { MAX_UPLOAD_BYTES, type UploadsService } from './uploads.service.js';

export function createUploadsRouter(uploads: UploadsService): Router {
  const router = Router();
  const receive = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: MAX_UPLOAD_BYTES, files: 1 },
  }).single('image');

  router.post(
    '/uploads',
    (req: Request, res: Response, next: NextFunction) => {
      receive(req, res, (error: unknown) => {
        if (error instanceof multer.MulterError) {
          next(
            error.code === 'LIMIT_FILE_SIZE'
              ? new AppError(
                  ErrorCode.PAYLOAD_TOO_LARGE,
                  `The image is larger than ${MAX_UPLOAD_BYTES / 1024 / 1024} MB; send a smaller image.`,
                )
              : new AppError(
                  ErrorCode.BAD_INPUT,
                  `${error.message}; send one file in the multipart field "image".`,
                ),
          );
        } else {
          next(error ? unreadableMultipart(error, ['image']) : undefined);
        }
      });
    },
    async (req: Request, res: Response) => {
      if (!req.file)
        throw new AppError(
          ErrorCode.BAD_INPUT,
          'No file received; send the image as multipart/form-data in the field "image".',
        );
      const result = await uploads.upload(actorOf(res), req.file.buffer);
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
