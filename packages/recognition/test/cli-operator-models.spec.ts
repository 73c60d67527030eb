import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkModelManifest } from '../src/models/model-manifest.js';
import { writeOperatorModel } from '../src/testing/operator-model-fixture.js';
import { copyPeople } from './helpers.js';

const run = promisify(execFile);
const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/cli/main.js');
/** Three LFW photos each. */
const PEOPLE = ['Colin_Powell', 'Tony_Blair', 'Hugo_Chavez', 'Laura_Bush'];

async function faceledger(...args: string[]): Promise<{ json: Record<string, unknown>; stderr: string }> {
  const { stdout, stderr } = await run(process.execPath, [cli, ...args, '--json'], {
    env: { ...process.env, LOG_LEVEL: 'silent' },
    maxBuffer: 16 * 1024 * 1024,
  });
  return { json: JSON.parse(stdout.trim()) as Record<string, unknown>, stderr };
}

describe('faceledger eval with an operator model (--models-dir, the built bin, real LFW photos)', () => {
  let dir: string;
  let images: string;
  let models: string;
  let sha256: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'faceledger-cli-models-'));
    images = path.join(dir, 'images');
    await copyPeople(images, PEOPLE, 3);
    models = path.join(dir, 'models');
    ({ sha256 } = await writeOperatorModel(models, { id: 'cli-tiny', dims: 24 }));
    await writeOperatorModel(models, { id: 'cli-missing', omitFile: true });
    const [a, b, c, d] = PEOPLE as [string, string, string, string];
    await writeFile(
      path.join(dir, 'pairs.txt'),
      ['2\t2', `${a}\t1\t2`, `${b}\t1\t3`, `${a}\t1\t${b}\t2`, `${a}\t3\t${b}\t1`, `${c}\t1\t2`, `${d}\t2\t3`, `${c}\t1\t${d}\t1`, `${c}\t2\t${d}\t3`, ''].join('\n'),
    );
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('eval lfw --model ID --models-dir DIR scores the pairs with the operator model and caches under its checksum', async () => {
    const { json, stderr } = await faceledger('eval', 'lfw', '--pairs', path.join(dir, 'pairs.txt'), '--images', images, '--workers', '1', '--out', path.join(dir, 'lfw'), '--model', 'cli-tiny', '--models-dir', models);
    expect(json.model).toBe('cli-tiny');
    expect(json.pairs).toBe(8);
    expect(json.failures).toBe(0);
    expect(stderr).toContain('operator model cli-missing refused (MISSING_FILE)');
    expect(await readdir(path.join(dir, 'lfw'))).toContain(`embeddings-cli-tiny-${sha256.slice(0, 12)}.json`);
  });

  it('eval identify --model ID --models-dir DIR searches with the operator model', async () => {
    const { json } = await faceledger('eval', 'identify', '--images', images, '--workers', '1', '--cache', path.join(dir, 'identify'), '--model', 'cli-tiny', '--models-dir', models);
    expect(json.model).toBe('cli-tiny');
    const [size] = json.sizes as Array<{ gallery: number; mated: number; failures: number; rank1: number }>;
    expect(size).toMatchObject({ gallery: PEOPLE.length, mated: PEOPLE.length, failures: 0 });
    expect(size?.rank1).toBeGreaterThanOrEqual(0);
    expect(await readdir(path.join(dir, 'identify'))).toEqual([`embeddings-cli-tiny-${sha256.slice(0, 12)}.json`]);
  });

  it('calibrate identify --json prints an identifyCalibration an operator manifest accepts', async () => {
    // Measured with the shipped model: the generated model's scores are noise, with no finite threshold to find.
    const calib = path.join(dir, 'calib');
    await copyPeople(calib, PEOPLE, 3);
    await copyPeople(calib, ['AJ_Cook', 'Aaron_Patterson', 'Aaron_Pena', 'Abba_Eban'], 1);
    const { json } = await faceledger('calibrate', 'identify', '--images', calib, '--workers', '1', '--models-dir', models, '--sizes', '2', '--draws', '3');
    const manifest = JSON.parse(await readFile(path.join(models, 'cli-tiny.json'), 'utf8')) as Record<string, unknown>;
    const check = checkModelManifest({ ...manifest, identifyCalibration: json.identifyCalibration });
    expect(check.ok ? null : check.problems).toBeNull();
  });

  it('names the refusal when --model is an operator model that was refused', async () => {
    const failed = await faceledger('eval', 'lfw', '--pairs', path.join(dir, 'pairs.txt'), '--images', images, '--model', 'cli-missing', '--models-dir', models).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toContain('operator model cli-missing refused (MISSING_FILE)');
    expect(failed?.stderr).toContain("error MODEL_UNAVAILABLE: Unknown embedding model 'cli-missing'");
  });
});
