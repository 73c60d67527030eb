// ImageStore on the local disk: <root>/<aa>/<bb>/<sha256> plus <sha256>.thumb-<size>.jpg beside it.
// Faces are personal data: directories are created 0700 and files 0600, whatever the umask.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isImageKey, type ImageStore } from './image-store.js';
import { DEFAULT_THUMBNAIL_SIZE, makeThumbnail } from './thumbnail.js';

/** Only the server's own user may list the store's directories or read its images. */
const DIR_MODE = 0o700;
const FILE_MODE = 0o600;

export class FileImageStore implements ImageStore {
  constructor(private readonly root: string) {}

  private pathOf(key: string): string {
    if (!isImageKey(key)) throw new Error(`Not an image key: ${key.slice(0, 80)}`);
    return path.join(this.root, key.slice(0, 2), key.slice(2, 4), key);
  }

  async put(bytes: Uint8Array): Promise<string> {
    const key = createHash('sha256').update(bytes).digest('hex');
    const file = this.pathOf(key);
    if (await this.has(key)) return key;
    await mkdir(path.dirname(file), { recursive: true, mode: DIR_MODE });
    // Write then rename, so a crash never leaves a half-written file under a valid key.
    const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    await writeFile(temp, bytes, { mode: FILE_MODE });
    await rename(temp, file);
    return key;
  }

  async get(key: string): Promise<Uint8Array | null> {
    try {
      return await readFile(this.pathOf(key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async has(key: string): Promise<boolean> {
    try {
      return (await stat(this.pathOf(key))).isFile();
    } catch {
      return false;
    }
  }

  async delete(key: string): Promise<void> {
    const file = this.pathOf(key);
    const dir = path.dirname(file);
    const siblings = await readdir(dir).catch(() => [] as string[]);
    await Promise.all(
      siblings.filter((name) => name.startsWith(key)).map((name) => rm(path.join(dir, name), { force: true })),
    );
  }

  async thumbnail(key: string, size = DEFAULT_THUMBNAIL_SIZE): Promise<Uint8Array | null> {
    const file = `${this.pathOf(key)}.thumb-${size}.jpg`;
    const cached = await readFile(file).catch(() => null);
    if (cached) return cached;
    const original = await this.get(key);
    if (!original) return null;
    const thumb = await makeThumbnail(original, size);
    await writeFile(file, thumb, { mode: FILE_MODE });
    return thumb;
  }

  async *keys(): AsyncIterable<string> {
    const level1 = await readdir(this.root).catch(() => [] as string[]);
    for (const a of level1) {
      for (const b of await readdir(path.join(this.root, a)).catch(() => [] as string[])) {
        for (const name of await readdir(path.join(this.root, a, b)).catch(() => [] as string[])) {
          if (isImageKey(name)) yield name;
        }
      }
    }
  }
}
