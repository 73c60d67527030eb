// ImageStore on the local disk: <root>/<aa>/<bb>/<sha256> plus <sha256>.thumb-<size>.jpg beside it.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { isImageKey } from './image-store.js';
const DEFAULT_THUMBNAIL_SIZE = 256;
export class FileImageStore {
    root;
    constructor(root) {
        this.root = root;
    }
    pathOf(key) {
        if (!isImageKey(key))
            throw new Error(`Not an image key: ${key.slice(0, 80)}`);
        return path.join(this.root, key.slice(0, 2), key.slice(2, 4), key);
    }
    async put(bytes) {
        const key = createHash('sha256').update(bytes).digest('hex');
        const file = this.pathOf(key);
        if (await this.has(key))
            return key;
        await mkdir(path.dirname(file), { recursive: true });
        // Write then rename, so a crash never leaves a half-written file under a valid key.
        const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
        await writeFile(temp, bytes);
        await rename(temp, file);
        return key;
    }
    async get(key) {
        try {
            return await readFile(this.pathOf(key));
        }
        catch (error) {
            if (error.code === 'ENOENT')
                return null;
            throw error;
        }
    }
    async has(key) {
        try {
            return (await stat(this.pathOf(key))).isFile();
        }
        catch {
            return false;
        }
    }
    async delete(key) {
        const file = this.pathOf(key);
        const dir = path.dirname(file);
        const siblings = await readdir(dir).catch(() => []);
        await Promise.all(siblings.filter((name) => name.startsWith(key)).map((name) => rm(path.join(dir, name), { force: true })));
    }
    async thumbnail(key, size = DEFAULT_THUMBNAIL_SIZE) {
        const file = `${this.pathOf(key)}.thumb-${size}.jpg`;
        const cached = await readFile(file).catch(() => null);
        if (cached)
            return cached;
        const original = await this.get(key);
        if (!original)
            return null;
        const thumb = await sharp(original)
            .rotate()
            .resize(size, size, { fit: 'inside', withoutEnlargement: true })
            .jpeg({ quality: 80 })
            .toBuffer();
        await writeFile(file, thumb);
        return thumb;
    }
    async *keys() {
        const level1 = await readdir(this.root).catch(() => []);
        for (const a of level1) {
            for (const b of await readdir(path.join(this.root, a)).catch(() => [])) {
                for (const name of await readdir(path.join(this.root, a, b)).catch(() => [])) {
                    if (isImageKey(name))
                        yield name;
                }
            }
        }
    }
}
//# sourceMappingURL=file-image-store.js.map