// For the camera and sighting specs with the real engine: a watchlist of five (Tony Blair and four
// others) enrolled through the API, so identify's threshold is the one of a five-person gallery.
import { expect } from 'vitest';
import type { AuthHeaders } from './auth-helpers.js';
import { createTestIdentity } from './recognition-gallery.js';
import { lfwInput } from './test-data.js';
import type { TestServer } from './test-server.js';

const OTHERS = ['Jacques_Chirac', 'Laura_Bush', 'Andre_Agassi', 'Vicente_Fox'];

/**
 * Enrolls Tony Blair and four others in the gallery with their LFW photos numbered `photos` (each
 * person must get at least one face enrolled); returns Tony Blair's identity id.
 */
export async function enrollWatchlist(
  server: TestServer,
  admin: AuthHeaders,
  galleryId: string,
  photos: readonly number[],
): Promise<string> {
  const blairId = await createTestIdentity(server, admin, {
    galleryId,
    externalId: 'tb',
    displayName: 'Tony Blair',
  });
  const people: Array<[string, string]> = [['Tony_Blair', blairId]];
  for (const person of OTHERS)
    people.push([
      person,
      await createTestIdentity(server, admin, { galleryId, externalId: person, displayName: person }),
    ]);
  for (const [person, id] of people) {
    const outcomes: string[] = [];
    for (const photo of photos) {
      const enrolled = await server.graphql<{ enrollFace: { __typename: string } }>(
        'mutation E($id: ID!, $image: ImageInput!) { enrollFace(identityId: $id, image: $image, face: { index: 0 }) { __typename } }',
        { id, image: await lfwInput(person, photo) },
        admin,
      );
      outcomes.push(enrolled.data?.enrollFace.__typename ?? 'error');
    }
    expect(outcomes).toContain('Enrolled');
  }
  return blairId;
}
