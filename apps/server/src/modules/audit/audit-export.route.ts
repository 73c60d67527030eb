// GET /api/audit/export?format=csv|ndjson&from&to&galleryId: streams the ledger (rows matching the
// filter, in seq order, one database batch at a time) and a closing manifest. The caller comes from
// the REST router's actor middleware, like every REST route.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Router } from 'express';
import { z } from 'zod';
import { actorOf } from '../auth/request-actor.js';
import { AppError, ErrorCode } from '../../shared/app-error.js';
import { AUDIT_EXPORT_FORMATS } from './audit-export-format.js';
import { parseAuditFilter, type AuditService } from './audit.service.js';

const exportQuerySchema = z.object({
  format: z.enum(AUDIT_EXPORT_FORMATS).default('ndjson'),
  from: z.string().optional(),
  to: z.string().optional(),
  galleryId: z.string().optional(),
});

export function createAuditExportRouter(audit: AuditService): Router {
  const router = Router();
  router.get('/audit/export', async (req, res) => {
    // A refusal (BAD_INPUT, UNAUTHENTICATED, FORBIDDEN) goes to the app's error handler before any header is sent.
    const query = exportQuerySchema.safeParse(req.query);
    if (!query.success) {
      const field = query.error.issues[0]?.path.join('.') ?? 'format';
      throw new AppError(
        ErrorCode.BAD_INPUT,
        `The query parameter "${field}" is invalid: use format=ndjson|csv, from and to as ISO-8601 times, galleryId.`,
        { field },
      );
    }
    const { format, ...filterInput } = query.data;
    const exported = await audit.startExport(actorOf(res), { format, filter: parseAuditFilter(filterInput) });
    res.status(200);
    res.setHeader('content-type', exported.contentType);
    res.setHeader('content-disposition', `attachment; filename="${exported.filename}"`);
    res.setHeader('cache-control', 'no-store');
    // pipeline() waits on the client (backpressure) and stops reading the ledger if it goes away.
    // A failure after the headers leaves the client a file without a manifest, which `audit verify`
    // rejects; the service logs it.
    await pipeline(Readable.from(exported.chunks), res).catch(() => undefined);
  });
  return router;
}
