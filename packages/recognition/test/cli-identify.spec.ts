import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyPeople } from './helpers.js';

const run = promisify(execFile);
const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/cli/main.js');
/** Three LFW photos each: mated people. */
const MATED = ['Colin_Powell', 'Tony_Blair', 'Hugo_Chavez', 'Laura_Bush'];
/** People with one LFW photo: strangers in --images. */
const STRANGERS = ['AJ_Cook', 'Aaron_Patterson'];
/** People with one LFW photo: distractors. */
const DISTRACTORS = ['Aaron_Pena', 'Abba_Eban'];

describe('faceledger eval identify (the built bin, on real LFW photos)', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'faceledger-identify-'));
    await copyPeople(path.join(dir, 'images'), MATED, 3);
    await copyPeople(path.join(dir, 'images'), STRANGERS, 1);
    await copyPeople(path.join(dir, 'distractors'), DISTRACTORS, 1);
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const identify = async (...extra: string[]): Promise<{ json: Record<string, unknown>; stderr: string }> => {
    const { stdout, stderr } = await run(
      process.execPath,
      [
        cli,
        'eval',
        'identify',
        '--images',
        path.join(dir, 'images'),
        '--workers',
        '1',
        '--cache',
        path.join(dir, 'cache'),
        '--json',
        ...extra,
      ],
      { env: { ...process.env, LOG_LEVEL: 'silent' }, maxBuffer: 16 * 1024 * 1024 },
    );
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    return { json: JSON.parse(lines[0] as string) as Record<string, unknown>, stderr };
  };

  it('prints one JSON object per the issue, one entry per gallery size, and writes the DET curve', async () => {
    const out = path.join(dir, 'k1');
    const { json, stderr } = await identify(
      '--enroll',
      '1',
      '--distractors',
      path.join(dir, 'distractors'),
      '--gallery-sizes',
      '6,4',
      '--out',
      out,
    );
    expect(Object.keys(json).sort()).toEqual(['enroll', 'model', 'sizes']);
    expect(json.model).toBe('faceapi-resnet128');
    expect(json.enroll).toBe(1);
    const sizes = json.sizes as Array<Record<string, unknown>>;
    expect(sizes.map((s) => s.gallery)).toEqual([4, 6]);
    for (const s of sizes) {
      expect(Object.keys(s)).toEqual(
        expect.arrayContaining(['gallery', 'rank1', 'fnir', 'thresholds', 'mated', 'nonMated', 'failures']),
      );
      expect(Object.keys(s.fnir as object)).toEqual(['1e-2', '3e-3', '1e-3']);
      expect(Object.keys(s.thresholds as object)).toEqual(['1e-2', '3e-3', '1e-3']);
      expect(s.mated).toBe(4);
      expect(s.nonMated).toBe(2);
      expect(s.failures).toBe(0);
      // four well-known faces, each probed with its second photo: the mate comes first
      expect(s.rank1).toBe(1);
    }
    expect(stderr).toContain(
      '4 people enrolled with 1 photo(s), 4 mated and 2 non-mated probes, 2 distractor people',
    );
    const svg = await readFile(path.join(out, 'det.svg'), 'utf8');
    expect(svg.match(/<polyline/g)).toHaveLength(2);
    const report = JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8')) as { sizes: unknown[] };
    expect(report.sizes).toHaveLength(2);
  });

  it('enrolls K photos and refuses a gallery smaller than the enrolled people', async () => {
    const { json } = await identify('--enroll', '2');
    expect(json.enroll).toBe(2);
    const [size] = json.sizes as Array<Record<string, unknown>>;
    expect(size?.gallery).toBe(4);
    expect(size?.mated).toBe(4);
    const refused = await run(
      process.execPath,
      [
        cli,
        'eval',
        'identify',
        '--images',
        path.join(dir, 'images'),
        '--gallery-sizes',
        '3',
        '--cache',
        path.join(dir, 'cache'),
        '--json',
      ],
      { env: { ...process.env, LOG_LEVEL: 'silent' } },
    ).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    expect(refused?.code).toBe(1);
    expect(refused?.stderr).toContain('gallery size 3 is below the 4 people enrolled from --images');
  });
});
