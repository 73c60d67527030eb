// What every ImageStore must do, as tests each implementation runs (infrastructure/image-store/file-image-store.spec.ts,
// database-image-store.spec.ts): real LFW photos stored once under their sha256 and read back byte
// for byte, thumbnails made, cached and deleted with their image, keys listed, bad keys refused.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { expect, it } from 'vitest';
import { lfwImage } from './test-data.js';
import type { ImageStore } from '../src/infrastructure/image-store/image-store.js';

/** Declares the contract's tests against the store `current()` returns when each test runs. */
export function itBehavesLikeAnImageStore(current: () => ImageStore): void {
  async function storedKeys(): Promise<string[]> {
    const keys: string[] = [];
    for await (const key of current().keys()) keys.push(key);
    return keys.sort();
  }

  it('stores a photo under its sha256 once, and reads it back byte for byte', async () => {
    const store = current();
    const bytes = await readFile(lfwImage('Colin_Powell', 1));
    const key = await store.put(bytes);
    expect(key).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(await store.put(bytes)).toBe(key);
    expect(Buffer.from((await store.get(key))!)).toEqual(bytes);
    expect(await store.has(key)).toBe(true);
    const other = await store.put(await readFile(lfwImage('Laura_Bush', 1)));
    expect(await storedKeys()).toEqual([key, other].sort());
  });

  it('makes a JPEG thumbnail no larger than asked, the same on the next call, and deletes it with the image', async () => {
    const store = current();
    const key = await store.put(await readFile(lfwImage('Colin_Powell', 2)));
    const thumb = await store.thumbnail(key, 64);
    const meta = await sharp(thumb!).metadata();
    expect(meta.format).toBe('jpeg');
    expect(Math.max(meta.width!, meta.height!)).toBe(64);
    expect(Buffer.from((await store.thumbnail(key, 64))!)).toEqual(Buffer.from(thumb!));
    await store.delete(key);
    expect(await store.get(key)).toBeNull();
    expect(await store.has(key)).toBe(false);
    expect(await store.thumbnail(key, 64)).toBeNull();
    expect(await storedKeys()).not.toContain(key);
    await store.delete(key);
  });

  it('answers null for a key it does not hold', async () => {
    const missing = createHash('sha256').update('never stored').digest('hex');
    expect(await current().get(missing)).toBeNull();
    expect(await current().thumbnail(missing)).toBeNull();
  });

  it('refuses keys that are not sha256 hex, so no path or query gets them', async () => {
    await expect(current().get('../../etc/passwd')).rejects.toThrow(/Not an image key/);
  });
}
