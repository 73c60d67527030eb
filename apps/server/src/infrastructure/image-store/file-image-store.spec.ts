import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lfwImage } from '../../../test/test-data.js';
import { FileImageStore } from './file-image-store.js';

describe('FileImageStore', () => {
  let dir: string;
  let store: FileImageStore;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'faceledger-images-'));
    store = new FileImageStore(dir);
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('stores a photo under its sha256 once, and reads it back byte for byte', async () => {
    const bytes = await readFile(lfwImage('Colin_Powell', 1));
    const key = await store.put(bytes);
    expect(key).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(await store.put(bytes)).toBe(key);
    expect(Buffer.from((await store.get(key))!)).toEqual(bytes);
    const keys: string[] = [];
    for await (const k of store.keys()) keys.push(k);
    expect(keys).toEqual([key]);
  });

  it('makes a JPEG thumbnail no larger than asked, and deletes it with the image', async () => {
    const key = await store.put(await readFile(lfwImage('Colin_Powell', 1)));
    const thumb = await store.thumbnail(key, 64);
    const meta = await sharp(thumb!).metadata();
    expect(meta.format).toBe('jpeg');
    expect(Math.max(meta.width!, meta.height!)).toBe(64);
    await store.delete(key);
    expect(await store.get(key)).toBeNull();
    expect(await store.thumbnail(key, 64)).toBeNull();
  });

  it('refuses keys that are not sha256 hex, so no path can escape the store', async () => {
    await expect(store.get('../../etc/passwd')).rejects.toThrow(/Not an image key/);
  });
});
