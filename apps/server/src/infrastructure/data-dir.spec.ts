// File modes of the data directory: a start on a fresh directory leaves only owner-only directories
// and files (the embedded PGlite's and the image store's), and a start on a directory others could
// read or write tightens it and warns. Run with the usual umask 022, as a server would be.
import { chmod, lstat, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase } from '@faceledger/db';
import { pino, type Logger } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lfwImage } from '../../test/test-data.js';
import { secureDataDir } from './data-dir.js';
import { FileImageStore } from './image-store/file-image-store.js';

/** Every directory and file under `root` by its mode, e.g. { 'dir 700': 28, 'file 600': 977 }. */
async function modesUnder(root: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  const visit = async (entry: string): Promise<void> => {
    const stats = await lstat(entry);
    const key = `${stats.isDirectory() ? 'dir' : 'file'} ${(stats.mode & 0o777).toString(8)}`;
    counts[key] = (counts[key] ?? 0) + 1;
    if (stats.isDirectory()) for (const name of await readdir(entry)) await visit(path.join(entry, name));
  };
  await visit(root);
  return counts;
}

/** What a server start does with the data directory: secure it, open PGlite in it, store an image. */
async function startOn(dataDir: string, logger: Logger): Promise<void> {
  await secureDataDir(dataDir, logger);
  const db = await openDatabase({ pgliteDir: path.join(dataDir, 'pglite'), logger });
  const store = new FileImageStore(path.join(dataDir, 'images'));
  const key = await store.put(await readFile(lfwImage('Colin_Powell', 1)));
  await store.thumbnail(key, 64);
  await db.prisma.$executeRawUnsafe('CREATE TABLE IF NOT EXISTS mode_probe (a int)');
  await db.close();
}

describe('data directory modes', () => {
  let parent: string;
  const previousUmask = process.umask(0o022);
  const warnings: string[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => warnings.push(line) });

  beforeAll(async () => {
    parent = await mkdtemp(path.join(tmpdir(), 'faceledger-modes-'));
  });
  afterAll(async () => {
    process.umask(previousUmask);
    await rm(parent, { recursive: true, force: true });
  });

  it('creates the data directory, the database files and the images owner-only', async () => {
    const dataDir = path.join(parent, 'fresh', 'data');
    await startOn(dataDir, logger);
    const modes = await modesUnder(dataDir);
    expect(Object.keys(modes).sort()).toEqual(['dir 700', 'file 600']);
    expect(modes['file 600']).toBeGreaterThan(900); // the PGlite cluster, the image and its thumbnail
    expect(warnings).toEqual([]);
    expect((await lstat(path.join(parent, 'fresh'))).mode & 0o777).toBe(0o700);
  });

  it('tightens a data directory that others could read or write, and says so', async () => {
    const dataDir = path.join(parent, 'fresh', 'data');
    const loosen = async (entry: string): Promise<void> => {
      const stats = await lstat(entry);
      await chmod(entry, stats.isDirectory() ? 0o777 : 0o666);
      if (stats.isDirectory()) for (const name of await readdir(entry)) await loosen(path.join(entry, name));
    };
    await loosen(dataDir);
    await startOn(dataDir, logger);
    expect(Object.keys(await modesUnder(dataDir)).sort()).toEqual(['dir 700', 'file 600']);
    const warning = JSON.parse(warnings[0] ?? '{}') as { tightened?: number; msg?: string };
    expect(warning.msg).toMatch(/owner-only/);
    expect(warning.tightened).toBeGreaterThan(900);
  });
});
