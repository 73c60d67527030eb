// The one NOT_FOUND: "No <thing> has id <id>; <where to find its id>." with the id in its details, so
// every module words a missing record the same way and tells the caller where to look.
import { AppError, ErrorCode } from './app-error.js';

/** Where a caller finds the right id of each kind of record. */
const WHERE_TO_LOOK = {
  gallery: 'list galleries to find its id',
  identity: "search the gallery's identities to find its id",
  face: 'open the identity to find its faces',
  'match event': 'list matchEvents to find its id',
  job: 'list jobs to find its id',
  user: 'list the users to find it',
  'API key': 'list the keys to find it',
  webhook: "list the gallery's webhooks to find its id",
  camera: 'list cameras to find its id',
  sighting: 'list sightings to find its id (a purged one is gone)',
  'unknown cluster': 'list unknownClusters to find its id',
} as const;

/** The kinds of record a NOT_FOUND can name. */
export type FoundThing = keyof typeof WHERE_TO_LOOK;

/** Ids longer than this are cut in the message and details (a caller may send any string). */
const MAX_SHOWN_ID = 64;

/**
 * NOT_FOUND for an id of `thing` that names nothing. `field` names the input field the id came
 * from, when it came from one (such as galleryId).
 */
export function notFound(thing: FoundThing, id: string, details: { field?: string } = {}): AppError {
  const shown = id.slice(0, MAX_SHOWN_ID);
  return new AppError(ErrorCode.NOT_FOUND, `No ${thing} has id ${shown}; ${WHERE_TO_LOOK[thing]}.`, {
    id: shown,
    ...details,
  });
}
