import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { recordingUnitOfWork } from '../../infrastructure/unit-of-work/recording-unit-of-work.js';
import type { TransactionScope } from '../../infrastructure/unit-of-work/unit-of-work.js';
import type { Actor } from '../auth/actor.js';
import type { IdentitiesRepository, IdentityRecord } from './identities.repository.js';
import type { ErasureOutcome, IdentityErasureRepository } from './identity-erasure.repository.js';
import { OlderSnapshotError } from './identity-erasure.repository.js';
import { IdentityErasureService } from './identity-erasure.service.js';

const hr: Actor = { kind: 'user', userId: 'u2', email: 'hr@example.org', role: 'HR' };
const ID = '22222222-2222-4222-8222-222222222222';
const KEY_A = 'a'.repeat(64);
const KEY_B = 'b'.repeat(64);

const identity: IdentityRecord = {
  id: ID,
  galleryId: '11111111-1111-4111-8111-111111111111',
  externalId: 'erased:x',
  displayName: '[erased]',
  metadata: {},
  consentGivenAt: null,
  consentGivenBy: null,
  status: 'ERASED',
  faceCount: 0,
  createdAt: new Date(),
  updatedAt: new Date(),
};

function setUp(
  outcome: ErasureOutcome,
  options: { failCommit?: boolean; failCompact?: boolean; olderSnapshot?: boolean } = {},
) {
  const steps: string[] = [];
  const identities = { findById: vi.fn(async () => identity) };
  const erasure = {
    eraseWithin: vi.fn(async () => outcome),
    // KEY_B was enrolled again by someone else after commit: it must survive.
    findUnreferencedImageKeys: vi.fn(async (keys: string[]) => keys.filter((k) => k !== KEY_B)),
    deleteImages: vi.fn(async (keys: string[]) => {
      steps.push(`delete ${keys.length}`);
      return keys.length;
    }),
    compactErasedTables: vi.fn(async (tables: string[]) => {
      if (options.failCompact) throw new Error('lock timeout');
      if (options.olderSnapshot) throw new OlderSnapshotError(1);
      steps.push(`compact ${tables.join(' ')}`);
    }),
  };
  const { uow, entries, events } = recordingUnitOfWork();
  // A commit that fails rolls back like a throw inside the work: no entry, no event.
  const committing = {
    transaction: <T>(work: (tx: TransactionScope) => Promise<T>) =>
      uow.transaction(async (tx) => {
        const result = await work(tx);
        if (options.failCommit) throw new Error('serialization failure');
        steps.push('commit');
        return result;
      }),
  };
  const service = new IdentityErasureService(
    identities as unknown as IdentitiesRepository,
    erasure as unknown as IdentityErasureRepository,
    committing,
    pino({ level: 'silent' }),
  );
  return { service, erasure, entries, events, steps };
}

const erased: ErasureOutcome = {
  alreadyErased: false,
  counts: {
    facesDeleted: 2,
    faceEmbeddingsDeleted: 0,
    matchCandidatesDeleted: 1,
    probesCleared: 1,
    reviewNotesRedacted: 0,
    jobItemsCleared: 1,
    jobFilesDeleted: 0,
    uploadsDeleted: 0,
    sightingsCleared: 0,
    clustersCleared: 0,
  },
  imageKeys: [KEY_A, KEY_B],
  xid: '741',
};

describe('IdentityErasureService', () => {
  it('deletes images only after commit, and only those still unreferenced then, then rewrites the tables', async () => {
    const { service, erasure, steps, entries, events } = setUp(erased);
    const result = await service.erase(hr, ID);
    // only the tables it changed: no review note, job file or upload here
    expect(steps).toEqual([
      'commit',
      'delete 1',
      'compact identities faces match_candidates match_events probe_embeddings job_items images',
    ]);
    expect(erasure.deleteImages).toHaveBeenCalledWith([KEY_A]);
    // waits for snapshots older than the erasure's own transaction
    expect(erasure.compactErasedTables).toHaveBeenCalledWith(expect.any(Array), { erasedXid: '741' });
    expect(result).toMatchObject({ facesDeleted: 2, imagesDeleted: 1, identity: { status: 'ERASED' } });
    expect(entries[0]).toMatchObject({
      action: 'identity.erase',
      subject: `identity:${ID}`,
      actor: 'user:u2',
    });
    expect(JSON.stringify(entries[0]?.payload)).not.toContain(KEY_A);
    expect(events).toEqual([{ type: 'IdentityErased', identityId: ID, galleryId: identity.galleryId }]);
  });

  it('deletes no image when the transaction fails', async () => {
    const { service, erasure, entries, events } = setUp(erased, { failCommit: true });
    await expect(service.erase(hr, ID)).rejects.toThrow('serialization failure');
    expect(entries).toEqual([]);
    expect(events).toEqual([]);
    expect(erasure.deleteImages).not.toHaveBeenCalled();
    expect(erasure.compactErasedTables).not.toHaveBeenCalled();
  });

  it('reports an INTERNAL error that says what to do when the rewrite fails, and retries it on an already erased identity', async () => {
    const failing = setUp(erased, { failCompact: true });
    await expect(failing.service.erase(hr, ID)).rejects.toMatchObject({
      code: 'INTERNAL',
      message: expect.stringMatching(/VACUUM FULL|erase again/),
    });
    expect(failing.steps).toEqual(['commit', 'delete 1']);
    const older = setUp(erased, { olderSnapshot: true });
    await expect(older.service.erase(hr, ID)).rejects.toMatchObject({
      code: 'INTERNAL',
      message: expect.stringMatching(/began before the erasure.*erase the identity again/),
    });
    const again = setUp({ alreadyErased: true });
    await again.service.erase(hr, ID);
    // Erasing again is audited but announces nothing new.
    expect(again.entries).toHaveLength(1);
    expect(again.events).toEqual([]);
    expect(again.steps).toEqual([
      'commit',
      'compact identities faces face_embeddings match_candidates match_events probe_embeddings reviews job_items job_files pending_uploads images sightings sighting_candidates unknown_clusters alerts',
    ]);
  });

  it('is refused before any repository call without identities.erase', async () => {
    const { service, erasure } = setUp(erased);
    const reviewer: Actor = { kind: 'user', userId: 'u3', email: 'r@example.org', role: 'REVIEWER' };
    await expect(service.erase(reviewer, ID)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(erasure.eraseWithin).not.toHaveBeenCalled();
  });
});
