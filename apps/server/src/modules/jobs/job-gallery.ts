// The gallery a job started from an upload (bulk import, evaluation) runs in.
import { AppError, ErrorCode } from '../../shared/app-error.js';
import type { Actor } from '../auth/actor.js';
import { authorize, authorizeGallery, type Permission } from '../auth/permissions.js';
import type { GalleriesRepository, GalleryRecord } from '../galleries/galleries.repository.js';

/**
 * Checks that `actor` may start a job needing `permission` in the upload's gallery, then reads the
 * gallery; NOT_FOUND names the upload's galleryId field.
 */
export async function findGalleryForJob(
  actor: Actor,
  permission: Permission,
  galleryId: string,
  galleries: Pick<GalleriesRepository, 'findById'>,
): Promise<GalleryRecord> {
  authorize(actor, permission);
  authorizeGallery(actor, galleryId);
  const gallery = await galleries.findById(galleryId);
  if (!gallery) {
    throw new AppError(ErrorCode.NOT_FOUND, `No gallery has id ${galleryId}; choose an existing gallery.`, {
      field: 'galleryId',
    });
  }
  return gallery;
}
