import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecognitionError, RecognitionErrorCode } from '../errors.js';
import { humanModelsDir } from '../runtime/paths.js';
import type { ModelArtifacts } from '@tensorflow/tfjs-core/dist/io/types.js';
import { HUMAN_MODEL_FILES, verifiedFileIoHandler, verifyHumanModelFiles } from './human-model-files.js';

async function expectUnavailable(work: Promise<unknown>, fragment: string): Promise<void> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RecognitionError);
  expect((error as RecognitionError).code).toBe(RecognitionErrorCode.MODEL_UNAVAILABLE);
  expect((error as RecognitionError).message).toContain(fragment);
}

function loadThroughHandler(file: string): Promise<ModelArtifacts> {
  const handler = verifiedFileIoHandler(pathToFileURL(file).href);
  if (!handler.load) throw new Error('the handler cannot load');
  return handler.load();
}

describe('Human model files are checksum-verified', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'faceledger-models-'));
    for (const name of ['blazeface.json', 'blazeface.bin', 'antispoof.json', 'antispoof.bin'])
      await copyFile(path.join(humanModelsDir(), name), path.join(dir, name));
    const bin = await readFile(path.join(dir, 'antispoof.bin'));
    bin[bin.length >> 1] = (bin[bin.length >> 1] ?? 0) ^ 0xff;
    await writeFile(path.join(dir, 'antispoof.bin'), bin);
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('accepts every registered file as installed', async () => {
    const models = [...new Set(Object.keys(HUMAN_MODEL_FILES).map((f) => f.replace(/\.(json|bin)$/, '')))];
    expect(models).toEqual(
      expect.arrayContaining([
        'blazeface',
        'facemesh',
        'antispoof',
        'liveness',
        'facemesh-detection-short',
        'emotion',
      ]),
    );
    await expect(verifyHumanModelFiles(humanModelsDir(), models)).resolves.toBeUndefined();
  });

  it('loads an intact copy through the verified IO handler', async () => {
    const artifacts = await loadThroughHandler(path.join(dir, 'blazeface.json'));
    expect(artifacts.weightData).toBeDefined();
    expect(artifacts.weightSpecs?.length).toBeGreaterThan(0);
  });

  it('refuses a shard with one altered byte, before Human sees it', async () => {
    await expectUnavailable(
      verifyHumanModelFiles(dir, ['blazeface', 'antispoof']),
      'does not match its registered SHA-256',
    );
    await expectUnavailable(loadThroughHandler(path.join(dir, 'antispoof.json')), 'antispoof.bin');
  });

  it('refuses files that are missing or not registered', async () => {
    await expectUnavailable(verifyHumanModelFiles(dir, ['liveness']), 'is missing');
    await expectUnavailable(
      loadThroughHandler(path.join(humanModelsDir(), 'iris.json')),
      'has no registered SHA-256',
    );
  });
});
