// Where the shared test photos live: ../shared/data beside the repository, or FACELEDGER_TEST_DATA.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export const TEST_DATA_DIR = process.env.FACELEDGER_TEST_DATA ?? path.resolve(REPO_ROOT, '../shared/data');

/** Path of an LFW image, e.g. lfwImage('George_W_Bush', 1). */
export function lfwImage(name: string, n: number): string {
  return path.join(TEST_DATA_DIR, 'lfw/images', name, `${name}_${String(n).padStart(4, '0')}.jpg`);
}

/** Path of a deepface test photo, e.g. deepfaceImage('couple.jpg'). */
export function deepfaceImage(file: string): string {
  return path.join(TEST_DATA_DIR, 'deepface', file);
}

/** The bytes of `file` as base64, for an ImageInput's base64. */
export async function base64Of(file: string): Promise<string> {
  return (await readFile(file)).toString('base64');
}

/** LFW photo `n` of `name` as a GraphQL ImageInput. */
export async function lfwInput(name: string, n: number): Promise<{ base64: string }> {
  return { base64: await base64Of(lfwImage(name, n)) };
}
