// POST /api/imports: multipart with galleryId, csv (the CSV file), photos (any number of image files)
// and/or archive (one zip of photos), and optionally largestFaceIfClear=true; answers 202 { jobId,
// rows, photos, missingPhotos }. The caller is checked before the body is read; the files are
// streamed to disk within IMPORT_LIMITS.
// GET /api/imports/:jobId/errors.csv: the rows that were not enrolled, as CSV.
import { Router } from 'express';
import { AppError, ErrorCode } from '../../shared/app-error.js';
import { formOf, receiveMultipart, requireCaller } from '../../shared/multipart.js';
import { authorize } from '../auth/permissions.js';
import { actorOf } from '../auth/request-actor.js';
import { IMPORT_LIMITS, type BulkImportService } from './bulk-import.service.js';

export function createBulkImportRouter(imports: BulkImportService): Router {
  const router = Router();
  router.post(
    '/imports',
    requireCaller((actor) => authorize(actor, 'imports.run')),
    receiveMultipart({
      files: [
        { name: 'csv', maxCount: 1, maxBytes: IMPORT_LIMITS.csvBytes },
        {
          name: 'photos',
          maxCount: IMPORT_LIMITS.photoFiles,
          maxBytes: IMPORT_LIMITS.photoBytes,
        },
        { name: 'archive', maxCount: 1, maxBytes: IMPORT_LIMITS.archiveBytes },
      ],
      textFields: ['galleryId', 'largestFaceIfClear'],
      maxRequestBytes: IMPORT_LIMITS.requestBytes,
    }),
    async (_req, res) => {
      const form = formOf(res);
      const [csv] = form.files('csv');
      if (!csv)
        throw new AppError(
          ErrorCode.BAD_INPUT,
          'No CSV received; send it as multipart/form-data in the field "csv".',
          { field: 'csv' },
        );
      const galleryId = form.text('galleryId');
      if (!galleryId)
        throw new AppError(
          ErrorCode.BAD_INPUT,
          'Give the gallery to import into in the form field "galleryId".',
          { field: 'galleryId' },
        );
      const [archive] = form.files('archive');
      const largest = form.text('largestFaceIfClear').toLowerCase() || 'false';
      if (largest !== 'true' && largest !== 'false')
        throw new AppError(
          ErrorCode.BAD_INPUT,
          'The form field "largestFaceIfClear" is true or false (leave it out for false).',
          { field: 'largestFaceIfClear' },
        );
      const started = await imports.startImport(actorOf(res), {
        galleryId,
        largestFaceIfClear: largest === 'true',
        csv,
        photos: form.files('photos'),
        archive: archive ?? null,
        workDir: form.workDir,
      });
      res.status(202).json(started);
    },
  );

  router.get('/imports/:jobId/errors.csv', async (req, res) => {
    const report = await imports.errorReport(actorOf(res), req.params.jobId);
    res.setHeader('content-type', 'text/csv; charset=utf-8');
    res.setHeader('content-disposition', `attachment; filename="${report.fileName}"`);
    res.send(report.csv);
  });
  return router;
}
