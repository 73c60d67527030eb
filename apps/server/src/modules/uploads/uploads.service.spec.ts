// UploadsService: the two forms of an image argument, the base64 limit, uploader-only use and expiry.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { describe, expect, it, vi } from 'vitest';
import { ADMIN, AUDITOR, REVIEWER } from '../../../test/recognition-fakes.js';
import { lfwImage } from '../../../test/test-data.js';
import { MAX_BASE64_IMAGE_BYTES, UPLOAD_TTL_MS, UploadsService } from './uploads.service.js';

function setup() {
  const stored = new Map<string, Uint8Array>();
  const images = {
    put: vi.fn(async (bytes: Uint8Array) => {
      const key = createHash('sha256').update(bytes).digest('hex');
      stored.set(key, bytes);
      return key;
    }),
    get: vi.fn(async (key: string) => stored.get(key) ?? null),
    deleteUnreferenced: vi.fn(async (keys: readonly string[]) => [...keys]),
  };
  // pending uploads as the repository keeps them (the real one is exercised in uploads.routes.spec.ts)
  const rows = new Map<string, Date>();
  const pending = {
    record: vi.fn(
      async (key: string, owner: string, expiresAt: Date) => void rows.set(`${key} ${owner}`, expiresAt),
    ),
    expiryOf: vi.fn(async (key: string, owner: string) => rows.get(`${key} ${owner}`) ?? null),
    deleteExpired: vi.fn(async (at: Date) => {
      const released: string[] = [];
      for (const [id, expiresAt] of rows) {
        if (expiresAt > at) continue;
        rows.delete(id);
        released.push(id.split(' ')[0] as string);
      }
      return released;
    }),
  };
  let now = 1_000_000;
  const service = new UploadsService(images, pending, () => now);
  return { service, images, advance: (ms: number) => (now += ms) };
}

describe('UploadsService', () => {
  it('decodes base64 (plain or as a data URL) and hashes the bytes', async () => {
    const { service } = setup();
    const bytes = Buffer.from('not really a jpeg');
    const plain = await service.resolve(ADMIN, { base64: bytes.toString('base64') });
    expect(Buffer.from(plain.bytes)).toEqual(bytes);
    expect(plain.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    const dataUrl = await service.resolve(ADMIN, {
      base64: `data:image/jpeg;base64,${bytes.toString('base64')}`,
    });
    expect(dataUrl.sha256).toBe(plain.sha256);
  });

  it('refuses both or neither form, text that is not base64, and base64 over 10 MB', async () => {
    const { service } = setup();
    await expect(service.resolve(ADMIN, {})).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(service.resolve(ADMIN, { base64: 'AAAA', uploadId: 'x' })).rejects.toMatchObject({
      code: 'BAD_INPUT',
    });
    await expect(service.resolve(ADMIN, { base64: 'this is not base64!' })).rejects.toMatchObject({
      code: 'BAD_IMAGE',
    });
    const big = 'A'.repeat(Math.ceil(((MAX_BASE64_IMAGE_BYTES + 1024) * 4) / 3));
    await expect(service.resolve(ADMIN, { base64: big })).rejects.toMatchObject({
      code: 'BAD_IMAGE',
      message: expect.stringMatching(/api\/uploads/),
    });
  });

  it('lets only the uploader use an upload id, until it expires; then the purge deletes it', async () => {
    const { service, images, advance } = setup();
    const { uploadId } = await service.upload(ADMIN, await readFile(lfwImage('AJ_Cook', 1)));
    expect((await service.resolve(ADMIN, { uploadId })).sha256).toBe(uploadId);
    await expect(service.resolve(REVIEWER, { uploadId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await service.purgeExpired()).toBe(0);
    advance(UPLOAD_TTL_MS + 1);
    await expect(service.resolve(ADMIN, { uploadId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await service.purgeExpired()).toBe(1);
    expect(images.deleteUnreferenced).toHaveBeenLastCalledWith([uploadId]);
  });

  it('accepts uploads only from callers who may run a recognition call, and only image files', async () => {
    const { service, images } = setup();
    await expect(service.upload({ kind: 'anonymous' }, Buffer.from('x'))).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
    await expect(service.upload(AUDITOR, Buffer.from('x'))).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(service.upload(ADMIN, Buffer.from('%PDF-1.7 not a photo'))).rejects.toMatchObject({
      code: 'BAD_IMAGE',
    });
    await expect(service.upload(ADMIN, Buffer.alloc(0))).rejects.toMatchObject({ code: 'BAD_IMAGE' });
    expect(images.put).not.toHaveBeenCalled();
  });
});
