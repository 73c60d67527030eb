// The pure parts of the erasure repository: how a name becomes a note pattern, and which tables an
// erasure rewrites. The SQL itself is covered on both databases by identity-erasure*.spec.ts.
import { describe, expect, it } from 'vitest';
import { tablesChangedBy, wordPattern } from './identity-erasure.repository.js';

describe('wordPattern', () => {
  it('bounds a name by word edges where it has them and escapes every regex character', () => {
    expect(wordPattern('Al')).toBe('\\mAl\\M');
    expect(wordPattern('J. Doe-Smith')).toBe('\\mJ\\. Doe-Smith\\M');
    expect(wordPattern('(Bob)')).toBe('\\(Bob\\)');
    expect(wordPattern('a+b*[c]')).toBe('\\ma\\+b\\*\\[c\\]');
  });
});

describe('tablesChangedBy', () => {
  it('lists the identity table and the tables the counts say changed, in a fixed order', () => {
    expect(
      tablesChangedBy({
        facesDeleted: 0,
        faceEmbeddingsDeleted: 0,
        matchCandidatesDeleted: 0,
        probesCleared: 3,
        reviewNotesRedacted: 1,
        jobItemsCleared: 0,
        jobFilesDeleted: 0,
        uploadsDeleted: 2,
        sightingsCleared: 1,
        clustersCleared: 0,
      }),
    ).toEqual(['identities', 'match_events', 'probe_embeddings', 'reviews', 'pending_uploads', 'images', 'sightings', 'sighting_candidates', 'alerts']);
  });
});
