// POST /api/imports: multipart with galleryId, csv (the CSV file), photos (any number of image files)
// and/or archive (one zip of photos); answers 202 { jobId, rows, photos, missingPhotos }.
// GET /api/imports/:jobId/errors.csv: the rows that were not enrolled, as CSV.
import { Router } from 'express';
import { AppError, ErrorCode } from '../../shared/app-error.js';
import { filesOf, receiveFiles, textField } from '../../shared/multipart.js';
import { actorOf } from '../auth/request-actor.js';
import type { BulkImportService } from './bulk-import.service.js';

/** Largest single file of an import request (the zip). */
export const MAX_IMPORT_FILE_BYTES = 512 * 1024 * 1024;

export function createBulkImportRouter(imports: BulkImportService): Router {
  const router = Router();
  router.post(
    '/imports',
    receiveFiles(
      [
        { name: 'csv', maxCount: 1 },
        { name: 'photos', maxCount: 5_000 },
        { name: 'archive', maxCount: 1 },
      ],
      { fileSizeBytes: MAX_IMPORT_FILE_BYTES, files: 5_002 },
    ),
    async (req, res) => {
      const [csv] = filesOf(req, 'csv');
      if (!csv)
        throw new AppError(
          ErrorCode.BAD_INPUT,
          'No CSV received; send it as multipart/form-data in the field "csv".',
          { field: 'csv' },
        );
      const galleryId = textField(req, 'galleryId');
      if (!galleryId)
        throw new AppError(
          ErrorCode.BAD_INPUT,
          'Give the gallery to import into in the form field "galleryId".',
          { field: 'galleryId' },
        );
      const [archive] = filesOf(req, 'archive');
      const started = await imports.startImport(actorOf(res), {
        galleryId,
        csv: { name: csv.originalname, bytes: csv.buffer },
        photos: filesOf(req, 'photos').map((file) => ({ name: file.originalname, bytes: file.buffer })),
        archive: archive ? { name: archive.originalname, bytes: archive.buffer } : null,
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
