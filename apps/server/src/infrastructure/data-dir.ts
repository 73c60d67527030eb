// The server's data directory (FACELEDGER_DATA_DIR: the embedded database in pglite/, the image
// store in images/) holds faces and embeddings, so only the server's own user may read it.
import { mkdir } from 'node:fs/promises';
import { restrictToOwner } from '@faceledger/db';
import type { Logger } from 'pino';

/**
 * Creates the data directory owner-only (0700) when it is missing, and takes every group and other
 * permission off it and everything under it (directories 0700, files 0600), warning with a count
 * when it had to. Runs at start, before the database opens; returns how many paths it changed.
 */
export async function secureDataDir(dir: string, logger: Logger): Promise<number> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const changed = await restrictToOwner(dir);
  if (changed.length > 0) {
    logger.warn(
      { dir, tightened: changed.length, examples: changed.slice(0, 5) },
      'the data directory was readable or writable by other users; its modes are now owner-only (0700 directories, 0600 files)',
    );
  }
  return changed.length;
}
