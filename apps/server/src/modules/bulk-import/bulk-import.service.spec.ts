import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { AppError, ErrorCode } from '../../shared/app-error.js';
import type { Actor } from '../auth/actor.js';
import { RetryLaterError, type RunningJob } from '../jobs/job-handler.js';
import type { JobItemRecord, JobRecord } from '../jobs/jobs.repository.js';
import { BulkImportService, type BulkImportDependencies } from './bulk-import.service.js';

const actor: Actor = { kind: 'user', userId: 'u1', email: 'hr@example.org', role: 'HR' };
const identity = { id: 'i1', status: 'ACTIVE' as const };
const job: RunningJob = { actor, record: { id: 'j1', galleryId: 'g1' } as JobRecord };

function item(input: Record<string, unknown>): JobItemRecord {
  return {
    jobId: 'j1',
    index: 0,
    input: { line: 2, ...input },
    outcome: null,
    message: null,
    result: null,
    processedAt: null,
  };
}

function service(
  overrides: {
    enrollFace?: ReturnType<typeof vi.fn>;
    existing?: unknown;
    create?: ReturnType<typeof vi.fn>;
  } = {},
) {
  const enrollFace = overrides.enrollFace ?? vi.fn();
  const create = overrides.create ?? vi.fn().mockResolvedValue(identity);
  const deps = {
    jobs: {} as BulkImportDependencies['jobs'],
    jobsRepository: {
      readFile: vi.fn().mockResolvedValue(new Uint8Array([1, 2, 3])),
      countOutcomes: vi.fn(),
      findItems: vi.fn(),
    },
    galleries: { findById: vi.fn() },
    identitiesRepository: { findByExternalId: vi.fn().mockResolvedValue(overrides.existing ?? null) },
    identities: { create },
    enrollment: { enrollFace },
  } as unknown as BulkImportDependencies;
  return { imports: new BulkImportService(deps), enrollFace, create, deps };
}

const row = { externalId: 'E1', name: 'Ann', photo: 'a.jpg' };

describe('BulkImportService.processItem', () => {
  it('creates the identity and enrolls through the services, as the job’s creator', async () => {
    const enrollFace = vi
      .fn()
      .mockResolvedValue({ __typename: 'Enrolled', face: { id: 'f1' }, warnings: [] });
    const { imports, create } = service({ enrollFace });
    await expect(imports.processItem(job, item(row))).resolves.toEqual({
      outcome: 'ENROLLED',
      message: 'Enrolled.',
      result: { identityId: 'i1', faceId: 'f1' },
    });
    expect(create).toHaveBeenCalledWith(actor, { galleryId: 'g1', externalId: 'E1', displayName: 'Ann' });
    expect(enrollFace).toHaveBeenCalledWith(actor, { identityId: 'i1', image: { base64: 'AQID' } });
  });

  it('counts a rerun that finds its own photo already enrolled as ENROLLED, and another identity’s as DUPLICATE', async () => {
    const own = vi
      .fn()
      .mockResolvedValue({
        __typename: 'DuplicateImage',
        faceId: 'f1',
        identity: { id: 'i1' },
        message: 'dup',
      });
    const rerun = service({ enrollFace: own, existing: identity });
    await expect(rerun.imports.processItem(job, item(row))).resolves.toMatchObject({
      outcome: 'ENROLLED',
      result: { faceId: 'f1' },
    });
    expect(rerun.create).not.toHaveBeenCalled();
    const other = vi
      .fn()
      .mockResolvedValue({
        __typename: 'DuplicateImage',
        faceId: 'f9',
        identity: { id: 'i9' },
        message: 'dup',
      });
    await expect(
      service({ enrollFace: other, existing: identity }).imports.processItem(job, item(row)),
    ).resolves.toMatchObject({
      outcome: 'DUPLICATE',
      message: 'dup',
    });
  });

  it('maps refusals and errors to row outcomes, and pauses while the engine is unavailable', async () => {
    const refusal = (result: unknown) =>
      service({ enrollFace: vi.fn().mockResolvedValue(result), existing: identity });
    await expect(
      refusal({ __typename: 'NoFace', message: 'none' }).imports.processItem(job, item(row)),
    ).resolves.toMatchObject({ outcome: 'NO_FACE' });
    await expect(
      refusal({ __typename: 'LowQuality', message: 'blurry', reasons: [] }).imports.processItem(
        job,
        item(row),
      ),
    ).resolves.toMatchObject({
      outcome: 'LOW_QUALITY',
      message: 'blurry',
    });
    const failing = (error: AppError) =>
      service({ enrollFace: vi.fn().mockRejectedValue(error), existing: identity });
    await expect(
      failing(new AppError(ErrorCode.BAD_IMAGE, 'Not an image.')).imports.processItem(job, item(row)),
    ).resolves.toMatchObject({
      outcome: 'BAD_IMAGE',
    });
    await expect(
      failing(new AppError(ErrorCode.ENGINE_UNAVAILABLE, 'loading')).imports.processItem(job, item(row)),
    ).rejects.toBeInstanceOf(RetryLaterError);
    await expect(
      failing(new AppError(ErrorCode.FORBIDDEN, 'no')).imports.processItem(job, item(row)),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('checks the row before touching anything: missing fields, missing photo, suspended identity', async () => {
    const { imports, deps, enrollFace } = service({ existing: { id: 'i2', status: 'SUSPENDED' } });
    await expect(imports.processItem(job, item({ ...row, externalId: ' ' }))).resolves.toMatchObject({
      outcome: 'INVALID_ROW',
    });
    await expect(imports.processItem(job, item({ ...row, name: '' }))).resolves.toMatchObject({
      outcome: 'INVALID_ROW',
    });
    await expect(imports.processItem(job, item({ ...row, photo: '' }))).resolves.toMatchObject({
      outcome: 'MISSING_PHOTO',
    });
    vi.mocked(deps.jobsRepository.readFile).mockResolvedValueOnce(null);
    await expect(imports.processItem(job, item(row))).resolves.toMatchObject({
      outcome: 'MISSING_PHOTO',
      message: expect.stringContaining('a.jpg'),
    });
    await expect(imports.processItem(job, item(row))).resolves.toMatchObject({
      outcome: 'INVALID_ROW',
      message: expect.stringContaining('suspended'),
    });
    expect(enrollFace).not.toHaveBeenCalled();
  });
});

describe('BulkImportService.startImport', () => {
  it('answers a job transaction that ran out of time as DATABASE_UNAVAILABLE with a retry time, not INTERNAL', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'start-import-'));
    try {
      const csv = path.join(dir, 'people.csv');
      const photo = path.join(dir, 'photo');
      await writeFile(csv, 'externalId,name,photo\nE1,Ann,a.jpg\n');
      await writeFile(photo, new Uint8Array([1, 2, 3]));
      const { imports, deps } = service();
      deps.galleries.findById = vi.fn().mockResolvedValue({ id: 'g1' });
      const expired = Object.assign(new Error('Transaction API error: expired transaction'), { code: 'P2028' });
      const enqueue = vi.fn().mockRejectedValue(expired);
      deps.jobs = { enqueue } as unknown as BulkImportDependencies['jobs'];
      const upload = {
        galleryId: 'g1',
        csv: { name: 'people.csv', path: csv, size: 0 },
        photos: [{ name: 'a.jpg', path: photo, size: 3 }],
        archive: null,
        workDir: dir,
      };
      await expect(imports.startImport(actor, upload)).rejects.toMatchObject({
        code: ErrorCode.DATABASE_UNAVAILABLE,
        details: { retryAfterSeconds: 60 },
      });
      // The photo went to the job as a loader, read only when the job's transaction writes it.
      const files = (enqueue.mock.calls[0]?.[1] as { files: Array<{ name: string; data: () => Promise<Uint8Array> }> }).files;
      expect(files.map((f) => f.name)).toEqual(['a.jpg']);
      expect(await files[0]?.data()).toEqual(Buffer.from([1, 2, 3]));
      enqueue.mockRejectedValueOnce(new Error('other'));
      await expect(imports.startImport(actor, upload)).rejects.toThrow('other');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
