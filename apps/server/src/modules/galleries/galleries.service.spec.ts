import { describe, expect, it, vi } from 'vitest';
import type {
  RecognitionRepository,
  RecognitionStatus,
} from '../../infrastructure/recognition/recognition.repository.js';
import { recordingUnitOfWork } from '../../infrastructure/unit-of-work/recording-unit-of-work.js';
import type { Transaction } from '../../infrastructure/unit-of-work/unit-of-work.js';
import type { Actor } from '../auth/actor.js';
import type { GalleriesRepository, GalleryFields, GalleryRecord } from './galleries.repository.js';
import { GalleriesService } from './galleries.service.js';

const admin: Actor = { kind: 'user', userId: 'u1', email: 'admin@example.org', role: 'ADMIN' };
const hr: Actor = { kind: 'user', userId: 'u2', email: 'hr@example.org', role: 'HR' };
const auditor: Actor = { kind: 'user', userId: 'u3', email: 'auditor@example.org', role: 'AUDITOR' };
const GALLERY_ID = '11111111-1111-4111-8111-111111111111';

function record(fields: Partial<GalleryRecord> = {}): GalleryRecord {
  return {
    id: GALLERY_ID,
    name: 'Staff',
    description: '',
    matchThreshold: 0.6,
    identifyTargetFpir: 0.01,
    identifyThresholdOverride: null,
    embeddingModelId: 'faceapi-resnet128',
    probeRetentionDays: 30,
    forbidLikelyDuplicates: false,
    requiredConfirmations: 1,
    identityCount: 0,
    activeIdentityCount: 0,
    createdAt: new Date('2026-01-01T00:00:00Z'),
    updatedAt: new Date('2026-01-01T00:00:00Z'),
    ...fields,
  };
}

function setUp(engine: RecognitionStatus) {
  const repository = {
    findById: vi.fn(async () => record()),
    findByName: vi.fn(async () => null),
    countContents: vi.fn(async () => ({ liveIdentities: 0, faces: 3, activeApiKeys: 0 })),
    create: vi.fn(async (_tx: Transaction, fields: GalleryFields) => record(fields)),
    update: vi.fn(async (_tx: Transaction, _id: string, fields: Partial<GalleryFields>) => record(fields)),
    list: vi.fn(async () => [record()]),
    delete: vi.fn(),
  };
  const { uow, entries } = recordingUnitOfWork();
  const recognition = { status: () => engine };
  const service = new GalleriesService(
    repository as unknown as GalleriesRepository,
    uow,
    recognition as unknown as RecognitionRepository,
  );
  return { service, repository, entries };
}

const ready: RecognitionStatus = {
  state: 'READY',
  error: null,
  info: {
    backend: 'wasm',
    workers: 1,
    defaultModel: 'human-faceres',
    dims: 1024,
    detector: 'blazeface',
    embedder: { runtime: 'tfjs', executionProvider: null, intraOpThreads: null },
    models: [
      { id: 'human-faceres', threshold: 0.525 },
      { id: 'faceapi-resnet128', threshold: 0.911 },
    ] as never,
  },
};
const loading: RecognitionStatus = { state: 'LOADING', info: null, error: null };

describe('GalleriesService', () => {
  it("defaults the threshold to the gallery model's registered pair threshold", async () => {
    const withEngine = setUp(ready);
    expect((await withEngine.service.create(admin, { name: 'A' })).matchThreshold).toBe(0.525);
    expect(
      (await withEngine.service.create(admin, { name: 'B', embeddingModelId: 'faceapi-resnet128' }))
        .matchThreshold,
    ).toBe(0.911);
    expect((await withEngine.service.create(admin, { name: 'C', matchThreshold: 0.95 })).matchThreshold).toBe(
      0.95,
    );
    const whileLoading = setUp(loading);
    expect((await whileLoading.service.create(admin, { name: 'D' })).matchThreshold).toBe(0.911);
    await expect(
      whileLoading.service.create(admin, { name: 'E', embeddingModelId: 'human-faceres' }),
    ).rejects.toMatchObject({ code: 'BAD_INPUT', details: { field: 'matchThreshold' } });
  });

  it('defaults the model to the ready engine default, else to faceapi-resnet128', async () => {
    const withEngine = setUp(ready);
    expect(
      (await withEngine.service.create(admin, { name: 'A', matchThreshold: 0.5 })).embeddingModelId,
    ).toBe('human-faceres');
    const withoutEngine = setUp(loading);
    expect(
      (await withoutEngine.service.create(admin, { name: 'B', matchThreshold: 0.5 })).embeddingModelId,
    ).toBe('faceapi-resnet128');
    expect(withEngine.entries[0]).toMatchObject({ action: 'gallery.create', actor: 'user:u1' });
  });

  it('refuses a model the ready engine does not know, naming the ones it does', async () => {
    const { service, repository } = setUp(ready);
    await expect(
      service.create(admin, { name: 'A', matchThreshold: 0.5, embeddingModelId: 'arcface-r100' }),
    ).rejects.toMatchObject({
      code: 'BAD_INPUT',
      message: expect.stringMatching(/human-faceres, faceapi-resnet128/),
    });
    expect(repository.create).not.toHaveBeenCalled();
  });

  it('refuses to change the model of a gallery that has faces', async () => {
    const { service, repository } = setUp(ready);
    await expect(
      service.update(admin, GALLERY_ID, { embeddingModelId: 'human-faceres' }),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/3 enrolled faces .* startModelMigration .* create a new gallery/),
    });
    expect(repository.update).not.toHaveBeenCalled();
  });

  it('checks the permission before touching a repository', async () => {
    const { service, repository } = setUp(ready);
    await expect(service.create(auditor, { name: 'A', matchThreshold: 0.5 })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(service.update(hr, GALLERY_ID, { matchThreshold: 0.8 })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(service.list({ kind: 'anonymous' })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(repository.create).not.toHaveBeenCalled();
    expect(repository.list).not.toHaveBeenCalled();
  });
});
