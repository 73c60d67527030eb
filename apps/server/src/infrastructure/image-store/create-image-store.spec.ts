import type { PrismaClient } from '@faceledger/db';
import { describe, expect, it } from 'vitest';
import { loadEnv } from '../../env.js';
import { createImageStore } from './create-image-store.js';
import { DatabaseImageStore } from './database-image-store.js';
import { FileImageStore } from './file-image-store.js';

describe('FACELEDGER_IMAGE_STORE', () => {
  it('keeps files by default, the database when asked, and refuses anything else naming both', () => {
    expect(loadEnv({}).FACELEDGER_IMAGE_STORE).toBe('file');
    expect(loadEnv({ FACELEDGER_IMAGE_STORE: 'database' }).FACELEDGER_IMAGE_STORE).toBe('database');
    expect(() => loadEnv({ FACELEDGER_IMAGE_STORE: 's3' })).toThrow(/FACELEDGER_IMAGE_STORE:.*"file".*"database"/);
  });

  it('builds the store it names', () => {
    const where = { dataDir: '/tmp/unused', prisma: {} as PrismaClient };
    expect(createImageStore('file', where)).toBeInstanceOf(FileImageStore);
    expect(createImageStore('database', where)).toBeInstanceOf(DatabaseImageStore);
  });
});
