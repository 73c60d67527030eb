// Pending uploads in the database: which caller may use which uploaded image until when. Rows are
// the references that keep an uploaded image in the store (image.repository.ts counts them).
import type { PrismaClient } from '@faceledger/db';

export class PendingUploadsRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** Records (or extends) `owner`'s upload of `imageKey` until `expiresAt`. */
  async record(imageKey: string, owner: string, expiresAt: Date): Promise<void> {
    await this.prisma.pendingUpload.upsert({
      where: { imageKey_owner: { imageKey, owner } },
      create: { imageKey, owner, expiresAt },
      update: { expiresAt },
    });
  }

  /** When `owner`'s upload of `imageKey` expires; null when they have none. */
  async expiryOf(imageKey: string, owner: string): Promise<Date | null> {
    const row = await this.prisma.pendingUpload.findUnique({
      where: { imageKey_owner: { imageKey, owner } },
      select: { expiresAt: true },
    });
    return row?.expiresAt ?? null;
  }

  /** Deletes the uploads expired at `now`; returns the image keys that no upload holds any more. */
  async deleteExpired(now: Date): Promise<string[]> {
    return this.prisma.$transaction(async (tx) => {
      const expired = await tx.pendingUpload.findMany({
        where: { expiresAt: { lte: now } },
        select: { imageKey: true },
        distinct: ['imageKey'],
      });
      if (expired.length === 0) return [];
      const keys = expired.map((r) => r.imageKey);
      await tx.pendingUpload.deleteMany({ where: { expiresAt: { lte: now }, imageKey: { in: keys } } });
      const held = await tx.pendingUpload.findMany({
        where: { imageKey: { in: keys } },
        select: { imageKey: true },
        distinct: ['imageKey'],
      });
      const stillHeld = new Set(held.map((r) => r.imageKey));
      return keys.filter((k) => !stillHeld.has(k));
    });
  }
}
