import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Shared test data (LFW, deepface): FACELEDGER_TEST_DATA or ../shared/data beside the repository. */
export const dataDir = process.env.FACELEDGER_TEST_DATA ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..', '../shared/data');

/** Path of a file below the shared data directory. */
export function dataPath(...parts: string[]): string {
  return path.join(dataDir, ...parts);
}
