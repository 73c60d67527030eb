// GET /api/images/:key (the original) and GET /api/images/:key/thumbnail?size=256 (a JPEG), for
// signed-in users whose role may read identities. Unknown keys answer 404 with a typed JSON error
// (through the REST error handler). X-Image-Width/Height give the original's size, the coordinate
// space of face boxes, so the dashboard can draw them over a thumbnail.
import { Router, type Response } from 'express';
import { AppError, ErrorCode } from '../../shared/app-error.js';
import { actorOf } from '../auth/request-actor.js';
import type { ImagesService, ServedImage } from './images.service.js';

const DEFAULT_THUMBNAIL_SIZE = 256;

function send(res: Response, image: ServedImage): void {
  res.status(200);
  res.setHeader('content-type', image.contentType);
  // Personal data: only the signed-in browser may keep it, never a shared cache.
  res.setHeader('cache-control', 'private, max-age=3600');
  res.setHeader('x-content-type-options', 'nosniff');
  if (image.originalWidth !== null && image.originalHeight !== null) {
    res.setHeader('x-image-width', String(image.originalWidth));
    res.setHeader('x-image-height', String(image.originalHeight));
  }
  res.end(Buffer.from(image.bytes));
}

function parseSize(raw: unknown): number {
  if (raw === undefined) return DEFAULT_THUMBNAIL_SIZE;
  const size = typeof raw === 'string' && /^\d{1,5}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(size)) {
    throw new AppError(ErrorCode.BAD_INPUT, 'size must be a whole number of pixels, such as 256.', {
      field: 'size',
    });
  }
  return size;
}

export function createImagesRouter(images: ImagesService): Router {
  const router = Router();
  router.get('/images/:key/thumbnail', async (req, res) => {
    send(res, await images.thumbnail(actorOf(res), req.params.key, parseSize(req.query.size)));
  });
  router.get('/images/:key', async (req, res) => {
    send(res, await images.original(actorOf(res), req.params.key));
  });
  return router;
}
