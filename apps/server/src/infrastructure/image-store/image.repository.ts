// Stored images as the services see them: put and get bytes, and delete images that nothing in the
// database points at any more (no face, no match event, no pending upload, no sighting's crop). The only service-facing code over ImageStore.
import type { PrismaClient } from '@faceledger/db';
import { isImageKey, type ImageStore } from './image-store.js';

export class ImageRepository {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly store: ImageStore,
  ) {}

  /** Stores the bytes and returns their key (sha256 hex). */
  put(bytes: Uint8Array): Promise<string> {
    return this.store.put(bytes);
  }

  /** The bytes under `key`, or null when there are none (or the key is not an image key). */
  async get(key: string): Promise<Uint8Array | null> {
    return isImageKey(key) ? this.store.get(key) : null;
  }

  /**
   * Deletes each image of `keys` that no face, no match event, no pending upload and no sighting (its
   * best face crop) references;
   * returns the deleted keys.
   */
  async deleteUnreferenced(keys: readonly string[]): Promise<string[]> {
    const candidates = [...new Set(keys.filter(isImageKey))];
    if (candidates.length === 0) return [];
    const [faces, events, uploads, sightings] = await Promise.all([
      this.prisma.face.findMany({ where: { imageKey: { in: candidates } }, select: { imageKey: true } }),
      this.prisma.matchEvent.findMany({
        where: { probeImageKey: { in: candidates } },
        select: { probeImageKey: true },
      }),
      this.prisma.pendingUpload.findMany({
        where: { imageKey: { in: candidates } },
        select: { imageKey: true },
      }),
      this.prisma.sighting.findMany({
        where: { cropImageKey: { in: candidates } },
        select: { cropImageKey: true },
      }),
    ]);
    const used = new Set<string | null>([
      ...faces.map((f) => f.imageKey),
      ...events.map((e) => e.probeImageKey),
      ...uploads.map((u) => u.imageKey),
      ...sightings.map((s) => s.cropImageKey),
    ]);
    const unused = candidates.filter((key) => !used.has(key));
    for (const key of unused) await this.store.delete(key);
    return unused;
  }
}
