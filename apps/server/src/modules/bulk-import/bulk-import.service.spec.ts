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
    /** The identity's faces after the row, as listFaces answers (one good face by default). */
    faces?: unknown[];
  } = {},
) {
  const enrollFace = overrides.enrollFace ?? vi.fn();
  const create = overrides.create ?? vi.fn().mockResolvedValue(identity);
  const listFaces = vi.fn().mockResolvedValue(overrides.faces ?? [goodFace]);
  const deps = {
    jobs: {} as BulkImportDependencies['jobs'],
    jobsRepository: {
      readFile: vi.fn().mockResolvedValue(new Uint8Array([1, 2, 3])),
      countOutcomes: vi.fn(),
      findItems: vi.fn(),
    },
    galleries: { findById: vi.fn() },
    identitiesRepository: { findByExternalId: vi.fn().mockResolvedValue(overrides.existing ?? null) },
    identities: { create, listFaces },
    enrollment: { enrollFace },
  } as unknown as BulkImportDependencies;
  return { imports: new BulkImportService(deps), enrollFace, create, listFaces, deps };
}

const goodFace = { quality: { score: 0.98, reasons: [], pose: { yaw: 0, pitch: 0, roll: 0 } } };
const enrolledAs = (id: string) => ({ __typename: 'Enrolled', face: { id }, warnings: [] });

const row = { externalId: 'E1', name: 'Ann', photo: 'a.jpg' };

describe('BulkImportService.processItem', () => {
  it('creates the identity and enrolls through the services, as the job’s creator', async () => {
    const enrollFace = vi
      .fn()
      .mockResolvedValue({ __typename: 'Enrolled', face: { id: 'f1' }, warnings: [] });
    const { imports, create } = service({ enrollFace });
    await expect(imports.processItem(job, item(row))).resolves.toEqual({
      outcome: 'ENROLLED',
      message: 'Enrolled. 1 of 3 recommended photos: add 2 photos from another angle or day.',
      result: {
        identityId: 'i1',
        faceId: 'f1',
        photosEnrolled: 1,
        photosRefused: 0,
        photoOutcomes: ['ENROLLED'],
      },
    });
    expect(create).toHaveBeenCalledWith(actor, { galleryId: 'g1', externalId: 'E1', displayName: 'Ann' });
    expect(enrollFace).toHaveBeenCalledWith(actor, { identityId: 'i1', image: { base64: 'AQID' } });
  });

  it('counts a rerun that finds its own photo already enrolled as ENROLLED, and another identity’s as DUPLICATE', async () => {
    const own = vi.fn().mockResolvedValue({
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
    const other = vi.fn().mockResolvedValue({
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

describe('BulkImportService.processItem with several photos in a row', () => {
  const three = { ...row, photo: 'a.jpg; B.jpg ;c.jpg;a.JPG;' };

  it('enrolls each photo of the row into one identity and says nothing more once 3 are enrolled', async () => {
    const enrollFace = vi
      .fn()
      .mockResolvedValueOnce(enrolledAs('f1'))
      .mockResolvedValueOnce(enrolledAs('f2'))
      .mockResolvedValueOnce(enrolledAs('f3'));
    const { imports, create, deps } = service({ enrollFace, faces: [goodFace, goodFace, goodFace] });
    await expect(imports.processItem(job, item(three))).resolves.toEqual({
      outcome: 'ENROLLED',
      message: 'Enrolled 3 photos.',
      result: {
        identityId: 'i1',
        faceId: 'f1',
        photosEnrolled: 3,
        photosRefused: 0,
        photoOutcomes: ['ENROLLED', 'ENROLLED', 'ENROLLED'],
      },
    });
    expect(create).toHaveBeenCalledTimes(1);
    expect(vi.mocked(deps.jobsRepository.readFile).mock.calls.map((call) => call[1])).toEqual([
      'a.jpg',
      'b.jpg',
      'c.jpg',
    ]);
  });

  it('is PARTIALLY_ENROLLED when some photos were refused, naming each refused photo and what to add', async () => {
    const enrollFace = vi
      .fn()
      .mockResolvedValueOnce(enrolledAs('f1'))
      .mockResolvedValueOnce({ __typename: 'NoFace', message: 'No face was found.' });
    const { imports, deps } = service({ enrollFace });
    vi.mocked(deps.jobsRepository.readFile)
      .mockResolvedValueOnce(new Uint8Array([1]))
      .mockResolvedValueOnce(new Uint8Array([2]))
      .mockResolvedValueOnce(null);
    const result = await imports.processItem(job, item(three));
    expect(result).toEqual({
      outcome: 'PARTIALLY_ENROLLED',
      message:
        'Enrolled 1 of 3 photos. B.jpg: No face was found. The identity exists; enroll another photo of this person on its page. c.jpg: No uploaded file is named c.jpg; upload it with the CSV (or in the zip). 1 of 3 recommended photos: add 2 photos from another angle or day.',
      result: {
        identityId: 'i1',
        faceId: 'f1',
        photosEnrolled: 1,
        photosRefused: 2,
        photoOutcomes: ['ENROLLED', 'NO_FACE', 'MISSING_PHOTO'],
      },
    });
  });

  it('takes the first refusal’s code when no photo was enrolled, and creates no identity without any photo', async () => {
    const enrollFace = vi.fn().mockRejectedValue(new AppError(ErrorCode.BAD_IMAGE, 'Not an image.'));
    const { imports, deps, create } = service({ enrollFace });
    vi.mocked(deps.jobsRepository.readFile).mockResolvedValueOnce(null);
    await expect(imports.processItem(job, item({ ...row, photo: 'x.jpg;y.jpg' }))).resolves.toMatchObject({
      outcome: 'MISSING_PHOTO',
      result: {
        identityId: 'i1',
        photosEnrolled: 0,
        photosRefused: 2,
        photoOutcomes: ['MISSING_PHOTO', 'BAD_IMAGE'],
      },
    });
    vi.mocked(deps.jobsRepository.readFile).mockResolvedValue(null);
    create.mockClear();
    await expect(imports.processItem(job, item({ ...row, photo: 'x.jpg;y.jpg' }))).resolves.toMatchObject({
      outcome: 'MISSING_PHOTO',
      message: expect.stringMatching(/x\.jpg.*y\.jpg/),
    });
    expect(create).not.toHaveBeenCalled();
  });

  it('asks enrollment for the clearly largest face only when the import asked for it', async () => {
    const enrollFace = vi.fn().mockResolvedValue(enrolledAs('f1'));
    const { imports } = service({ enrollFace });
    const asking: RunningJob = { actor, record: { ...job.record, payload: { largestFaceIfClear: true } } };
    await imports.processItem(asking, item(row));
    await imports.processItem(job, item(row));
    expect(enrollFace.mock.calls.map((call) => (call[1] as { face?: unknown }).face)).toEqual([
      { largestIfClear: true },
      undefined,
    ]);
  });

  it('refuses a row naming more than 10 photos before touching anything', async () => {
    const { imports, enrollFace, create } = service();
    const photo = Array.from({ length: 11 }, (_, i) => `p${i}.jpg`).join(';');
    await expect(imports.processItem(job, item({ ...row, photo }))).resolves.toMatchObject({
      outcome: 'INVALID_ROW',
      message: expect.stringContaining('11 photos'),
    });
    expect(enrollFace).not.toHaveBeenCalled();
    expect(create).not.toHaveBeenCalled();
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
      const expired = Object.assign(new Error('Transaction API error: expired transaction'), {
        code: 'P2028',
      });
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
      const files = (
        enqueue.mock.calls[0]?.[1] as { files: Array<{ name: string; data: () => Promise<Uint8Array> }> }
      ).files;
      expect(files.map((f) => f.name)).toEqual(['a.jpg']);
      expect(await files[0]?.data()).toEqual(Buffer.from([1, 2, 3]));
      enqueue.mockRejectedValueOnce(new Error('other'));
      await expect(imports.startImport(actor, upload)).rejects.toThrow('other');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
