// Where a caller may reach, beside what it may do (permissions.ts): an API key bound to one gallery
// reaches only that gallery. Services ask here instead of reading the actor's kind themselves.
import { notFound } from '../../shared/not-found.js';
import type { Actor } from './actor.js';
import { authorizeGallery } from './permissions.js';

/**
 * The one gallery `actor` may touch when its key is bound to one; null for everyone else (people,
 * unrestricted keys, the system), who may touch every gallery.
 */
export function galleryScope(actor: Actor): string | null {
  return actor.kind === 'apiKey' ? actor.galleryId : null;
}

/**
 * Reads gallery `galleryId` with `find` for `actor`. The scope is checked before the read, so a key
 * bound to one gallery learns nothing about the others: FORBIDDEN for another gallery, then
 * NOT_FOUND (naming `field` when the id came from an input field) when none has that id.
 */
export async function requireGallery<G>(
  actor: Actor,
  galleryId: string,
  find: (id: string) => Promise<G | null>,
  field?: string,
): Promise<G> {
  authorizeGallery(actor, galleryId);
  const gallery = await find(galleryId);
  if (!gallery) throw notFound('gallery', galleryId, field === undefined ? {} : { field });
  return gallery;
}
