// Acceptance of calibrated identify on real LFW photos, on PGlite and on PostgreSQL: a new gallery
// at its default target (FPIR 1e-2) answers MATCH for never-enrolled strangers at a rate within the
// target, where the pair threshold (0.911, what identify used before) answers MATCH for many.
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { TEST_DATABASE_MODES } from '@faceledger/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, type AuthHeaders } from '../../../test/auth-helpers.js';
import { lfwImage, TEST_DATA_DIR } from '../../../test/test-data.js';
import { startTestServer, type TestServer } from '../../../test/test-server.js';

const ENROLLED = 30;
const STRANGERS = 100;
const TARGET = 0.01;
/**
 * Alarms allowed among the strangers: 2 (2%). The calibrated threshold is the largest over 20 random
 * galleries of each size, so a gallery's true FPIR is at or below the target; if it were exactly 1e-2,
 * 3 or more alarms among 100 strangers would happen with probability 8% (binomial), 2 or fewer is
 * what a gallery meeting its target shows. These are fixed photos, so the test is deterministic.
 */
const ALLOWED_ALARMS = 2;

const lfwDir = path.join(TEST_DATA_DIR, 'lfw/images');
const people = readdirSync(lfwDir).sort();
const photosOf = (p: string): number => readdirSync(path.join(lfwDir, p)).length;
// Every 10th person with two or more photos is enrolled (first photo); every 20th with one photo is a stranger.
const enrolled = people
  .filter((p) => photosOf(p) >= 2)
  .filter((_, i) => i % 10 === 0)
  .slice(0, ENROLLED);
const strangers = people
  .filter((p) => photosOf(p) === 1)
  .filter((_, i) => i % 20 === 0)
  .slice(0, STRANGERS);

describe.each(TEST_DATABASE_MODES)('identify of never-enrolled LFW strangers on %s', (mode) => {
  let server: TestServer;
  let admin: AuthHeaders;
  let galleryId: string;

  const base64 = async (file: string): Promise<string> => (await readFile(file)).toString('base64');

  beforeAll(async () => {
    server = await startTestServer(mode, { recognition: true });
    expect((await server.recognition.whenSettled()).state).toBe('READY');
    admin = await adminHeaders(server);
    const created = await server.graphql<{ createGallery: { id: string } }>(
      'mutation G($input: CreateGalleryInput!) { createGallery(input: $input) { id } }',
      { input: { name: 'LFW' } },
      admin,
    );
    expect(created.errors).toBeUndefined();
    galleryId = created.data!.createGallery.id;
    for (const person of enrolled) {
      const identity = await server.graphql<{ createIdentity: { id: string } }>(
        'mutation C($input: CreateIdentityInput!) { createIdentity(input: $input) { id } }',
        { input: { galleryId, externalId: person, displayName: person } },
        admin,
      );
      expect(identity.errors).toBeUndefined();
      const body = await server.graphql<{ enrollFace: { __typename: string } }>(
        'mutation E($identityId: ID!, $image: ImageInput!) { enrollFace(identityId: $identityId, image: $image) { __typename } }',
        {
          identityId: identity.data!.createIdentity.id,
          image: { base64: await base64(lfwImage(person, 1)) },
        },
        admin,
      );
      expect(body.errors).toBeUndefined();
    }
  }, 600_000);

  afterAll(async () => {
    await server?.close();
  });

  it(`answers MATCH for at most ${ALLOWED_ALARMS} of ${STRANGERS} strangers at the default target, not at the pair threshold`, async () => {
    expect(enrolled).toHaveLength(ENROLLED);
    expect(strangers).toHaveLength(STRANGERS);
    const gallery = await server.graphql<{
      gallery: { identifyThreshold: number; identifyTargetFpir: number };
    }>(
      'query G($id: ID!) { gallery(id: $id) { identifyThreshold identifyTargetFpir } }',
      { id: galleryId },
      admin,
    );
    expect(gallery.data!.gallery.identifyTargetFpir).toBe(TARGET);
    let alarms = 0;
    let alarmsAtPairThreshold = 0;
    for (const person of strangers) {
      const body = await server.graphql<{
        identify: {
          threshold: number;
          faces: Array<{ decision: string; candidates: Array<{ score: number }> }>;
        };
      }>(
        'mutation I($galleryId: ID!, $image: ImageInput!) { identify(galleryId: $galleryId, image: $image) { threshold faces { decision candidates { score } } } }',
        { galleryId, image: { base64: await base64(lfwImage(person, 1)) } },
        admin,
      );
      expect(body.errors).toBeUndefined();
      expect(body.data!.identify.threshold).toBe(gallery.data!.gallery.identifyThreshold);
      const faces = body.data!.identify.faces;
      if (faces.some((f) => f.decision === 'MATCH')) alarms++;
      if (faces.some((f) => (f.candidates[0]?.score ?? 0) >= 0.911)) alarmsAtPairThreshold++;
    }
    expect(alarms).toBeLessThanOrEqual(ALLOWED_ALARMS);
    // The test can fail: at the pair threshold many strangers would have been a MATCH.
    expect(alarmsAtPairThreshold).toBeGreaterThan(ALLOWED_ALARMS);
  }, 600_000);
});
