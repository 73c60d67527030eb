// The track decision of SightingsService: identify's answer for each of the track's best faces, per
// watchlist gallery, becomes one MATCH only when more than half of the faces agree.
import { describe, expect, it } from 'vitest';
import type { GalleryRecord } from '../galleries/galleries.repository.js';
import { decide, type GalleryOutcome } from './sightings.service.js';

const gallery = (id: string): GalleryRecord => ({ id, name: id }) as GalleryRecord;
const candidate = (identityId: string, score: number) => ({
  identityId,
  faceId: `${identityId}-face`,
  score,
  rank: 1,
});
/** One face whose identify answer is `match` (an identity and its score) or no match. */
const face = (match: [string, number] | null) => ({
  candidates: match ? [candidate(...match)] : [],
  match: match ? candidate(...match) : null,
});

describe('decide', () => {
  it('is the MATCH of a single face, and of two faces out of three', () => {
    const one: GalleryOutcome = { gallery: gallery('g'), threshold: 1, faces: [face(['a', 1.1])] };
    expect(decide([one])).toMatchObject({ identityId: 'a', score: 1.1, threshold: 1 });
    const two: GalleryOutcome = {
      gallery: gallery('g'),
      threshold: 1,
      faces: [face(['a', 1.05]), face(null), face(['a', 1.2])],
    };
    expect(decide([two])).toMatchObject({ identityId: 'a', score: 1.2 });
  });

  it('is no MATCH when half of the faces or fewer agree (one chance match of a stranger)', () => {
    const third: GalleryOutcome = {
      gallery: gallery('g'),
      threshold: 1,
      faces: [face(['a', 1.3]), face(null), face(null)],
    };
    const split: GalleryOutcome = {
      gallery: gallery('g'),
      threshold: 1,
      faces: [face(['a', 1.3]), face(['b', 1.2])],
    };
    expect(decide([third])).toBeNull();
    expect(decide([split])).toBeNull();
    expect(decide([])).toBeNull();
  });

  it('prefers more agreeing faces, then the higher score, across galleries', () => {
    const g1: GalleryOutcome = {
      gallery: gallery('g1'),
      threshold: 1,
      faces: [face(['a', 1.5]), face(['a', 1.4]), face(null)],
    };
    const g2: GalleryOutcome = {
      gallery: gallery('g2'),
      threshold: 0.9,
      faces: [face(['b', 1.1]), face(['b', 1.0]), face(['b', 1.2])],
    };
    expect(decide([g1, g2])).toMatchObject({ identityId: 'b', gallery: { id: 'g2' }, threshold: 0.9 });
    const g3: GalleryOutcome = {
      gallery: gallery('g3'),
      threshold: 1,
      faces: [face(['c', 1.6]), face(['c', 1.1]), face(null)],
    };
    expect(decide([g1, g3])).toMatchObject({ identityId: 'c', score: 1.6 });
  });
});
