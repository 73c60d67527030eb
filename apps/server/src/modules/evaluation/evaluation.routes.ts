// POST /api/evaluations: multipart with galleryId, archive (a zip of images) and optionally pairs (an
// LFW pairs file; without it the zip holds one folder per person); answers 202 { jobId, images, pairs }.
import { Router } from 'express';
import { AppError, ErrorCode } from '../../shared/app-error.js';
import { filesOf, receiveFiles, textField } from '../../shared/multipart.js';
import { actorOf } from '../auth/request-actor.js';
import type { EvaluationService } from './evaluation.service.js';

/** Largest file of an evaluation request (the zip). */
export const MAX_EVALUATION_FILE_BYTES = 512 * 1024 * 1024;

export function createEvaluationRouter(evaluation: EvaluationService): Router {
  const router = Router();
  router.post(
    '/evaluations',
    receiveFiles(
      [
        { name: 'archive', maxCount: 1 },
        { name: 'pairs', maxCount: 1 },
      ],
      { fileSizeBytes: MAX_EVALUATION_FILE_BYTES, files: 2 },
    ),
    async (req, res) => {
      const [archive] = filesOf(req, 'archive');
      if (!archive) {
        throw new AppError(
          ErrorCode.BAD_INPUT,
          'No zip received; send the images as a zip in the multipart field "archive".',
          {
            field: 'archive',
          },
        );
      }
      const galleryId = textField(req, 'galleryId');
      if (!galleryId)
        throw new AppError(
          ErrorCode.BAD_INPUT,
          'Give the gallery whose model and threshold to evaluate in the form field "galleryId".',
          { field: 'galleryId' },
        );
      const [pairs] = filesOf(req, 'pairs');
      const started = await evaluation.startEvaluation(actorOf(res), {
        galleryId,
        archive: { name: archive.originalname, bytes: archive.buffer },
        pairs: pairs ? { name: pairs.originalname, bytes: pairs.buffer } : null,
      });
      res.status(202).json(started);
    },
  );
  return router;
}
