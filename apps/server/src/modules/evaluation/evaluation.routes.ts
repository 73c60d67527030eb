// POST /api/evaluations: multipart with galleryId, archive (a zip of images) and optionally pairs (an
// LFW pairs file; without it the zip holds one folder per person), mode (verify by default, or identify:
// open-set identification on a folder per person) and enroll (identify: photos enrolled per person,
// default 1); answers 202 { jobId, images, pairs }.
// The caller is checked before the body is read; the files are streamed to disk within the limits.
import { Router } from 'express';
import {
  formOf,
  receiveMultipart,
  requireCaller,
  requiredFile,
  requiredText,
} from '../../shared/multipart.js';
import { AppError, ErrorCode } from '../../shared/app-error.js';
import { authorize } from '../auth/permissions.js';
import { actorOf } from '../auth/request-actor.js';
import type { EvaluationService } from './evaluation.service.js';
import { parseEnroll } from './identify-evaluation.js';

const MB = 1024 * 1024;

/** Limits of POST /api/evaluations (docs/API.md, Limits). */
export const EVALUATION_REQUEST_LIMITS = {
  /** The whole multipart body. */
  requestBytes: 520 * MB,
  archiveBytes: 512 * MB,
  pairsBytes: 8 * MB,
};

export function createEvaluationRouter(evaluation: EvaluationService): Router {
  const router = Router();
  router.post(
    '/evaluations',
    requireCaller((actor) => authorize(actor, 'evaluations.run')),
    receiveMultipart({
      files: [
        { name: 'archive', maxCount: 1, maxBytes: EVALUATION_REQUEST_LIMITS.archiveBytes },
        { name: 'pairs', maxCount: 1, maxBytes: EVALUATION_REQUEST_LIMITS.pairsBytes },
      ],
      textFields: ['galleryId', 'mode', 'enroll'],
      maxRequestBytes: EVALUATION_REQUEST_LIMITS.requestBytes,
    }),
    async (_req, res) => {
      const form = formOf(res);
      const archive = requiredFile(
        form,
        'archive',
        'No zip received; send the images as a zip in the multipart field "archive".',
      );
      const galleryId = requiredText(
        form,
        'galleryId',
        'Give the gallery whose model and threshold to evaluate in the form field "galleryId".',
      );
      const [pairs] = form.files('pairs');
      const mode = form.text('mode') || 'verify';
      if (mode !== 'verify' && mode !== 'identify')
        throw new AppError(
          ErrorCode.BAD_INPUT,
          `mode is "verify" (pairs, ROC) or "identify" (open-set identification), not "${mode}".`,
          { field: 'mode' },
        );
      const started = await evaluation.startEvaluation(actorOf(res), {
        galleryId,
        archive: { name: archive.name, bytes: await form.read(archive) },
        pairs: pairs ? { name: pairs.name, bytes: await form.read(pairs) } : null,
        ...(mode === 'identify' && { identify: { enroll: parseEnroll(form.text('enroll')) } }),
      });
      res.status(202).json(started);
    },
  );
  return router;
}
