// The gallery a job started from an upload (bulk import, evaluation) runs in.
import type { Actor } from '../auth/actor.js';
import { requireGallery } from '../auth/gallery-access.js';
import { authorize, type Permission } from '../auth/permissions.js';
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
  return requireGallery(actor, galleryId, (id) => galleries.findById(id), 'galleryId');
}
