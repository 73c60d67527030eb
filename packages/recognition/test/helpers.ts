import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Shared test data (LFW, deepface): FACELEDGER_TEST_DATA or ../shared/data beside the repository. */
export const dataDir = process.env.FACELEDGER_TEST_DATA ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..', '../shared/data');

/** Path of a file below the shared data directory. */
export function dataPath(...parts: string[]): string {
  return path.join(dataDir, ...parts);
}

/** Copies the first `photos` LFW photos of each person into `root/<person>/` (one folder per person). */
export async function copyPeople(root: string, people: readonly string[], photos: number): Promise<void> {
  for (const name of people) {
    await mkdir(path.join(root, name), { recursive: true });
    for (let i = 1; i <= photos; i++) {
      const file = `${name}_${String(i).padStart(4, '0')}.jpg`;
      await copyFile(dataPath('lfw', 'images', name, file), path.join(root, name, file));
    }
  }
}
