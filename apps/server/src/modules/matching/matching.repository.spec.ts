// The pgvector search on both databases: it uses the per-width HNSW index, stays inside the gallery
// and its ACTIVE identities, and returns what an exact search returns.
import { Prisma } from '@faceledger/db';
import { createTestDatabase, TEST_DATABASE_MODES, type TestDatabase } from '@faceledger/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnrollmentRepository } from '../enrollment/enrollment.repository.js';
import { gallerySearchSql, MatchingRepository, type GallerySearch } from './matching.repository.js';
import { cosine } from '../../shared/cosine.js';

const DIMS = 128;
const MODEL = 'faceapi-resnet128';

/** A seeded pseudo-random unit vector, so failures reproduce. */
function unitVector(seed: number): Float32Array {
  let state = seed * 2654435761;
  const v = new Float32Array(DIMS);
  for (let i = 0; i < DIMS; i++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    v[i] = state / 2147483648 - 0.5;
  }
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

describe.each(TEST_DATABASE_MODES)('face search on %s', (mode) => {
  let db: TestDatabase;
  let repository: MatchingRepository;
  let galleryA: string;
  let galleryB: string;
  const faces: Array<{
    id: string;
    identityId: string;
    galleryId: string;
    active: boolean;
    embedding: Float32Array;
  }> = [];

  beforeAll(async () => {
    db = await createTestDatabase(mode);
    repository = new MatchingRepository(db.prisma);
    const enrollment = new EnrollmentRepository(db.prisma);
    const galleries = await Promise.all(
      ['A', 'B'].map((name) =>
        db.prisma.gallery.create({ data: { name, matchThreshold: 0.9, embeddingModelId: MODEL } }),
      ),
    );
    galleryA = galleries[0]!.id;
    galleryB = galleries[1]!.id;
    let seed = 1;
    // Row by row, outside a transaction: PGlite builds the HNSW index slowly and one long transaction would time out.
    for (const gallery of galleries) {
      // Gallery B is four times larger, so a filter applied after the index scan would starve A.
      const identities = gallery.name === 'A' ? 20 : 80;
      for (let i = 0; i < identities; i++) {
        const active = i % 7 !== 3;
        const identity = await db.prisma.identity.create({
          data: {
            galleryId: gallery.id,
            externalId: `p${i}`,
            displayName: `Person ${i}`,
            status: active ? 'ACTIVE' : 'SUSPENDED',
          },
        });
        for (let f = 0; f < 3; f++) {
          const embedding = unitVector(seed++);
          const face = await enrollment.insertFace(db.prisma, {
            identityId: identity.id,
            imageKey: seed.toString(16).padStart(64, '0'),
            box: { x: 0, y: 0, width: 1, height: 1 },
            landmarks: {},
            quality: {},
            modelId: MODEL,
            embedding,
          });
          faces.push({ id: face.id, identityId: identity.id, galleryId: gallery.id, active, embedding });
        }
      }
    }
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('plans the k-NN query of a large gallery on the HNSW index of its width', async () => {
    await db.prisma.$executeRawUnsafe('ANALYZE faces');
    await db.prisma.$executeRawUnsafe('ANALYZE identities');
    const search: GallerySearch = {
      galleryId: galleryB,
      modelId: MODEL,
      embedding: unitVector(999),
      dims: DIMS,
      limit: 10,
      activeOnly: true,
    };
    const plan = await db.prisma.$transaction(async (tx) => {
      // A test-sized table is cheap to scan whole; take that option away to see which index the query can use.
      await tx.$executeRawUnsafe('SET LOCAL enable_seqscan = off');
      await tx.$executeRawUnsafe('SET LOCAL enable_bitmapscan = off');
      return tx.$queryRaw<Array<{ 'QUERY PLAN': string }>>(Prisma.sql`EXPLAIN ${gallerySearchSql(search)}`);
    });
    expect(plan.map((r) => r['QUERY PLAN']).join('\n')).toContain('faces_embedding_128_hnsw');
  });

  it('returns the nearest faces of the gallery and its ACTIVE identities, as an exact search does', async () => {
    for (const seed of [1001, 1002, 1003]) {
      const probe = unitVector(seed);
      const hits = await repository.searchGallery({
        galleryId: galleryA,
        modelId: MODEL,
        embedding: probe,
        dims: DIMS,
        limit: 15,
        activeOnly: true,
      });
      const exact = faces
        .filter((f) => f.galleryId === galleryA && f.active)
        .map((f) => ({ id: f.id, score: cosine(probe, f.embedding) }))
        .sort((a, b) => b.score - a.score)
        .slice(0, 15);
      expect(hits).toHaveLength(15);
      expect(hits.map((h) => h.faceId)).toEqual(exact.map((e) => e.id));
      hits.forEach((hit, i) => expect(hit.score).toBeCloseTo(exact[i]!.score, 4));
    }
  });

  it('can leave one identity out and include suspended ones (enrollment look-alikes)', async () => {
    const target = faces.find((f) => f.galleryId === galleryA && !f.active)!;
    const hits = await repository.searchGallery({
      galleryId: galleryA,
      modelId: MODEL,
      embedding: target.embedding,
      dims: DIMS,
      limit: 5,
      activeOnly: false,
    });
    expect(hits[0]).toMatchObject({ faceId: target.id });
    expect(hits[0]!.score).toBeCloseTo(1, 4);
    const without = await repository.searchGallery({
      galleryId: galleryA,
      modelId: MODEL,
      embedding: target.embedding,
      dims: DIMS,
      limit: 5,
      activeOnly: false,
      excludeIdentityId: target.identityId,
    });
    expect(without.map((h) => h.identityId)).not.toContain(target.identityId);
  });
});
