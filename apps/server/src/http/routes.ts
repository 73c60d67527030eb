// REST routes beside GraphQL (uploads, exports). Each module adds its router here; every route
// resolves the caller with the same actor resolution as GraphQL (from the headers, before any body
// is read). Any other /api path is NOT_FOUND. An error answered before the body was read closes the
// connection, so the body is never read.
import { Router } from 'express';
import type { Services } from '../graphql/context.js';
import { createAuditExportRouter } from '../modules/audit/audit-export.route.js';
import { actorMiddleware } from '../modules/auth/request-actor.js';
import { createUploadsRouter } from '../modules/uploads/uploads.routes.js';
import { createImagesRouter } from '../modules/images/images.route.js';
import { createBulkImportRouter } from '../modules/bulk-import/bulk-import.routes.js';
import { createEvaluationRouter } from '../modules/evaluation/evaluation.routes.js';
import { createMatchingRouter } from '../modules/matching/matching.routes.js';
import { AppError, ErrorCode } from '../shared/app-error.js';
import { closeUnreadRequests } from '../shared/multipart.js';

export function createRestRouter(services: Services): Router {
  const router = Router();
  // Every route below finds its caller with actorOf(res) (modules/auth/request-actor.ts).
  router.use(actorMiddleware(services.auth));
  router.use(createAuditExportRouter(services.audit));
  router.use(createUploadsRouter(services.uploads));
  router.use(createImagesRouter(services.images));
  router.use(createBulkImportRouter(services.bulkImport));
  router.use(createEvaluationRouter(services.evaluation));
  router.use(createMatchingRouter(services.matching));
  router.use((req, _res, next) => {
    next(
      new AppError(
        ErrorCode.NOT_FOUND,
        `There is no ${req.method} /api${req.path}; the REST routes are listed in docs/API.md.`,
      ),
    );
  });
  router.use(closeUnreadRequests);
  return router;
}
