// Identify on galleries of the non-default shipped models (MODELS) with real LFW
// photos, on PGlite and on PostgreSQL: each gallery's identify threshold comes from its own model's
// shipped calibration (no override, no CONFLICT), a mated probe is a MATCH of the right person and
// a never-enrolled stranger is not.
import { TEST_DATABASE_MODES } from '@faceledger/db/testing';
import { identifyThreshold } from '@faceledger/recognition/identify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthHeaders } from '../../../test/auth-helpers.js';
import { addGallery } from '../../../test/graphql-helpers.js';
import { createTestIdentity, startRecognitionGallery } from '../../../test/recognition-gallery.js';
import { lfwInput } from '../../../test/test-data.js';
import type { TestServer } from '../../../test/test-server.js';

/** Enrolled with their first photo (one face each); the second photo of PROBE is the mated probe. */
const ENROLLED = ['Colin_Powell', 'Hugo_Chavez', 'Laura_Bush', 'Jacques_Chirac', 'Ricardo_Lagos'];
/**
 * Photo 2 of Ricardo_Lagos is close to photo 1 for both models (cosine 0.72 mobileface, 0.82 faceres).
 * Not every mated probe is found: at FPIR 1e-2 mobileface misses 57% of LFW dev's mated probes
 * (recognition README); Hugo_Chavez's photo 2 (cosine 0.32) is UNKNOWN with mobileface.
 */
const PROBE = 'Ricardo_Lagos';
/** One LFW photo, never enrolled. */
const STRANGER = 'AJ_Cook';
const MODELS = ['human-mobileface', 'human-faceres'] as const;

const GALLERY = `
  query G($id: ID!) {
    gallery(id: $id) { embeddingModelId identifyTargetFpir identifyThreshold identifyThresholdSource estimatedFpir identityCount }
  }`;

const IDENTIFY = `
  mutation I($galleryId: ID!, $image: ImageInput!) {
    identify(galleryId: $galleryId, image: $image) {
      threshold modelId
      faces { decision score identity { externalId } candidates { score identity { externalId } } }
    }
  }`;

interface IdentifyBody {
  identify: {
    threshold: number;
    modelId: string;
    faces: Array<{
      decision: string;
      score: number | null;
      identity: { externalId: string } | null;
      candidates: Array<{ score: number; identity: { externalId: string } }>;
    }>;
  };
}

describe.each(TEST_DATABASE_MODES)('identify on galleries of the other shipped models on %s', (mode) => {
  let server: TestServer;
  let admin: AuthHeaders;
  const galleries = new Map<string, string>();

  beforeAll(async () => {
    const started = await startRecognitionGallery(mode, { name: MODELS[0], embeddingModelId: MODELS[0] });
    ({ server, admin } = started);
    galleries.set(MODELS[0], started.galleryId);
    for (const model of MODELS.slice(1))
      galleries.set(model, await addGallery(server, { name: model, embeddingModelId: model }, admin));
    for (const [, galleryId] of galleries)
      for (const person of ENROLLED) {
        const identityId = await createTestIdentity(server, admin, {
          galleryId,
          externalId: person,
          displayName: person.replace(/_/g, ' '),
        });
        const body = await server.graphql<{ enrollFace: { __typename: string } }>(
          'mutation E($identityId: ID!, $image: ImageInput!) { enrollFace(identityId: $identityId, image: $image) { __typename } }',
          { identityId, image: await lfwInput(person, 1) },
          admin,
        );
        expect(body.errors).toBeUndefined();
        expect(body.data!.enrollFace.__typename).toBe('Enrolled');
      }
  }, 600_000);

  afterAll(async () => {
    await server?.close();
  });

  it.each(MODELS)(
    'a %s gallery follows its own calibration: mated probe MATCH, stranger not',
    async (model) => {
      const galleryId = galleries.get(model)!;
      const g = await server.graphql<{
        gallery: {
          embeddingModelId: string;
          identifyTargetFpir: number;
          identifyThreshold: number | null;
          identifyThresholdSource: string;
          estimatedFpir: number | null;
          identityCount: number;
        };
      }>(GALLERY, { id: galleryId }, admin);
      expect(g.errors).toBeUndefined();
      const gallery = g.data!.gallery;
      expect(gallery.embeddingModelId).toBe(model);
      expect(gallery.identityCount).toBe(ENROLLED.length);
      expect(gallery.identifyThresholdSource).toBe('CALIBRATED');
      expect(gallery.identifyThreshold).toBeCloseTo(identifyThreshold(model, 0.01, ENROLLED.length), 9);
      // Its own model's threshold, not the default model's.
      expect(gallery.identifyThreshold).not.toBeCloseTo(
        identifyThreshold('faceapi-resnet128', 0.01, ENROLLED.length),
        2,
      );
      expect(gallery.estimatedFpir).toBeCloseTo(gallery.identifyTargetFpir, 6);

      const identify = async (person: string, photo: number) => {
        const body = await server.graphql<IdentifyBody>(
          IDENTIFY,
          { galleryId, image: await lfwInput(person, photo) },
          admin,
        );
        expect(body.errors).toBeUndefined();
        expect(body.data!.identify.threshold).toBe(gallery.identifyThreshold);
        expect(body.data!.identify.modelId).toBe(model);
        expect(body.data!.identify.faces).toHaveLength(1);
        return body.data!.identify.faces[0]!;
      };

      const mated = await identify(PROBE, 2);
      expect(mated.decision).toBe('MATCH');
      expect(mated.identity?.externalId).toBe(PROBE);
      expect(mated.score!).toBeGreaterThanOrEqual(gallery.identifyThreshold!);

      const stranger = await identify(STRANGER, 1);
      expect(stranger.decision).not.toBe('MATCH');
      expect(stranger.identity).toBeNull();
      expect(stranger.candidates[0]!.score).toBeLessThan(gallery.identifyThreshold!);
    },
  );
});
