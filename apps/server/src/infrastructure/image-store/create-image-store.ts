// Picks the image store FACELEDGER_IMAGE_STORE names: files under the data directory (the default,
// one machine), or the database's `images` table, which every server process on one PostgreSQL reads.
import path from 'node:path';
import type { PrismaClient } from '@faceledger/db';
import { DatabaseImageStore } from './database-image-store.js';
import { FileImageStore } from './file-image-store.js';
import type { ImageStore, ImageStoreKind } from './image-store.js';

export function createImageStore(kind: ImageStoreKind, where: { dataDir: string; prisma: PrismaClient }): ImageStore {
  return kind === 'database'
    ? new DatabaseImageStore(where.prisma)
    : new FileImageStore(path.join(where.dataDir, 'images'));
}
