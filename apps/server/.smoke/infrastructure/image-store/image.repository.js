import { isImageKey } from './image-store.js';
export class ImageRepository {
    prisma;
    store;
    constructor(prisma, store) {
        this.prisma = prisma;
        this.store = store;
    }
    /** Stores the bytes and returns their key (sha256 hex). */
    put(bytes) {
        return this.store.put(bytes);
    }
    /** The bytes under `key`, or null when there are none (or the key is not an image key). */
    async get(key) {
        return isImageKey(key) ? this.store.get(key) : null;
    }
    /**
     * Deletes each image of `keys` that no face and no match event references; returns the deleted
     * keys. Callers exclude keys they still hold for other reasons (pending uploads).
     */
    async deleteUnreferenced(keys) {
        const candidates = [...new Set(keys.filter(isImageKey))];
        if (candidates.length === 0)
            return [];
        const [faces, events] = await Promise.all([
            this.prisma.face.findMany({ where: { imageKey: { in: candidates } }, select: { imageKey: true } }),
            this.prisma.matchEvent.findMany({ where: { probeImageKey: { in: candidates } }, select: { probeImageKey: true } }),
        ]);
        const used = new Set([...faces.map((f) => f.imageKey), ...events.map((e) => e.probeImageKey)]);
        const unused = candidates.filter((key) => !used.has(key));
        for (const key of unused)
            await this.store.delete(key);
        return unused;
    }
}
//# sourceMappingURL=image.repository.js.map