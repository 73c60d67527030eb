// Fakes for unit tests of enrollment, matching and reviews: engine faces and repository records (the
// unit of work's fake is infrastructure/unit-of-work/recording-unit-of-work.ts).
import type { Face as EngineFace } from '@faceledger/recognition';
import type { Actor } from '../src/modules/auth/actor.js';
import type { GalleryRecord } from '../src/modules/galleries/galleries.repository.js';
import type { IdentityRecord } from '../src/modules/identities/identities.repository.js';

export const ADMIN: Actor = {
  kind: 'user',
  userId: '00000000-0000-4000-8000-00000000000a',
  email: 'a@example.org',
  role: 'ADMIN',
};
export const REVIEWER: Actor = {
  kind: 'user',
  userId: '00000000-0000-4000-8000-00000000000b',
  email: 'r@example.org',
  role: 'REVIEWER',
};
export const AUDITOR: Actor = {
  kind: 'user',
  userId: '00000000-0000-4000-8000-00000000000c',
  email: 'u@example.org',
  role: 'AUDITOR',
};

export const GALLERY_ID = '00000000-0000-4000-8000-0000000000a1';

export function gallery(overrides: Partial<GalleryRecord> = {}): GalleryRecord {
  return {
    id: GALLERY_ID,
    name: 'Staff',
    description: '',
    matchThreshold: 0.9,
    identifyTargetFpir: 0.01,
    // The fakes' scores are chosen around 0.9 for both verify and identify.
    identifyThresholdOverride: 0.9,
    embeddingModelId: 'faceapi-resnet128',
    probeRetentionDays: 30,
    forbidLikelyDuplicates: false,
    requiredConfirmations: 1,
    identityCount: 2,
    activeIdentityCount: 2,
    createdAt: new Date('2026-01-01T00:00:00Z'),
    updatedAt: new Date('2026-01-01T00:00:00Z'),
    ...overrides,
  };
}

export function identity(id: string, overrides: Partial<IdentityRecord> = {}): IdentityRecord {
  return {
    id,
    galleryId: GALLERY_ID,
    externalId: id.slice(-4),
    displayName: `Person ${id.slice(-4)}`,
    metadata: {},
    consentGivenAt: null,
    consentGivenBy: null,
    status: 'ACTIVE',
    faceCount: 1,
    createdAt: new Date('2026-01-01T00:00:00Z'),
    updatedAt: new Date('2026-01-01T00:00:00Z'),
    ...overrides,
  };
}

/** An engine face of good quality with a fixed embedding. */
export function engineFace(overrides: Partial<EngineFace> = {}): EngineFace {
  const point = (x: number, y: number) => ({ x, y });
  return {
    box: { x: 10, y: 10, width: 120, height: 140 },
    score: 0.95,
    landmarks: {
      rightEye: point(40, 50),
      leftEye: point(90, 50),
      nose: point(65, 80),
      rightMouth: point(45, 110),
      leftMouth: point(85, 110),
    },
    pose: { yaw: 0, pitch: 0, roll: 0 },
    quality: {
      eyeDistance: 50,
      sharpness: 100,
      brightness: 120,
      contrast: 40,
      pose: { yaw: 0, pitch: 0, roll: 0 },
      score: 1,
      reasons: [],
    },
    spoof: { antispoof: 0.8, liveness: 0.9 },
    embedding: Float32Array.from([1, 0, 0]),
    modelId: 'faceapi-resnet128',
    ...overrides,
  };
}

