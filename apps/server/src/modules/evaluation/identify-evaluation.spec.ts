import { readFile } from 'node:fs/promises';
import { TEST_DATABASE_MODES } from '@faceledger/db/testing';
import type { IdentifyEvaluationResult } from '@faceledger/schema';
import { pino } from 'pino';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, type AuthHeaders } from '../../../test/auth-helpers.js';
import { lfwImage } from '../../../test/test-data.js';
import { useTestServer, type TestServer } from '../../../test/test-server.js';
import { makeZip } from '../../../test/zip-writer.js';

// Six people with several photos (Adam_Sandler with two), four with exactly one: real LFW photos.
const PEOPLE: ReadonlyArray<readonly [string, readonly number[]]> = [
  ['Colin_Powell', [1, 2, 3]],
  ['Tony_Blair', [1, 2, 3]],
  ['Hugo_Chavez', [1, 2, 3]],
  ['Ann_Veneman', [1, 2, 3]],
  ['Abdullah_Gul', [1, 2, 3]],
  ['Adam_Sandler', [1, 2]],
  ['AJ_Cook', [1]],
  ['Aaron_Patterson', [1]],
  ['Aaron_Pena', [1]],
  ['Abba_Eban', [1]],
];

const IDENTIFY_QUERY = `query ($id: ID!) {
  job(id: $id) {
    status progress { done total } evaluation { accuracy }
    identifyEvaluation {
      galleryId enroll images failedImages identities enrollFailures mated nonMated failures rank1
      atFpir { fpir fnir threshold }
      det { threshold fpir fnir }
    }
  }
}`;

interface IdentifyShape {
  status: string;
  progress: { done: number; total: number };
  evaluation: unknown;
  identifyEvaluation: IdentifyEvaluationResult | null;
}

/** The zip of PEOPLE, plus `extra` files. */
async function peopleZip(extra: ReadonlyArray<{ path: string; bytes: Uint8Array }> = []): Promise<Blob> {
  const files = [...extra];
  for (const [name, numbers] of PEOPLE)
    for (const n of numbers)
      files.push({ path: `people/${name}/${name}_${n}.jpg`, bytes: await readFile(lfwImage(name, n)) });
  return new Blob([new Uint8Array(makeZip(files))], { type: 'application/zip' });
}

describe.each(TEST_DATABASE_MODES)('identify evaluation on %s', (mode) => {
  let server: TestServer;
  useTestServer(mode, (started) => (server = started), { recognition: true });
  // The admin, their gallery and the zip of PEOPLE, made once.
  let admin: AuthHeaders;
  let galleryId: string;
  let zip: Blob;
  beforeAll(async () => {
    admin = await adminHeaders(server);
    const created = await server.graphql<{ createGallery: { id: string } }>(
      'mutation ($input: CreateGalleryInput!) { createGallery(input: $input) { id } }',
      { input: { name: `identify-eval-${mode}` } },
      admin,
    );
    galleryId = created.data?.createGallery.id as string;
    zip = await peopleZip();
  });

  async function post(fields: Record<string, string>, archive: Blob = zip): Promise<Response> {
    const form = new FormData();
    form.set('galleryId', galleryId);
    for (const [key, value] of Object.entries(fields)) form.set(key, value);
    form.set('archive', archive, 'people.zip');
    return fetch(`${server.url}/api/evaluations`, { method: 'POST', headers: admin, body: form });
  }

  it.each([
    // K=1: every person with 2+ photos is mated (photo 2 searched), the four singles are strangers.
    { enroll: 1, mated: 6, images: 6 + 6 + 4 },
    // K=2: Adam_Sandler's two photos take no part; five people enroll two photos each.
    { enroll: 2, mated: 5, images: 5 * 2 + 5 + 4 },
  ])('enroll $enroll: the protocol counts, rank-1 and a DET consistent with them', async (want) => {
    const response = await post({ mode: 'identify', enroll: String(want.enroll) });
    expect(response.status).toBe(202);
    const started = (await response.json()) as { jobId: string; images: number; pairs: number };
    expect(started).toMatchObject({ images: want.images, pairs: 0 });

    await server.services.jobs.createRunner(pino({ level: 'silent' })).runUntilIdle();
    const body = await server.graphql<{ job: IdentifyShape }>(IDENTIFY_QUERY, { id: started.jobId }, admin);
    const job = body.data?.job;
    expect(job?.status, JSON.stringify(body.errors ?? job)).toBe('SUCCEEDED');
    expect(job?.evaluation).toBeNull();
    const result = job?.identifyEvaluation;
    if (!result) throw new Error('no identify result');
    expect(result).toMatchObject({
      galleryId,
      enroll: want.enroll,
      images: want.images,
      identities: want.mated,
      mated: want.mated,
      nonMated: 4,
    });
    // Frontal LFW photos: every one has a face, so every search is scored.
    expect(result.failedImages).toBe(0);
    expect(result.failures).toBe(0);
    expect(result.enrollFailures).toBe(0);
    // rank-1 is a count of mated searches.
    expect(Math.abs(result.rank1 * want.mated - Math.round(result.rank1 * want.mated))).toBeLessThan(1e-9);
    expect(result.rank1).toBeGreaterThan(0.5);

    const det = result.det;
    expect(det[0]).toEqual({ threshold: null, fpir: 0, fnir: 1 });
    for (let i = 1; i < det.length; i++) {
      const previous = det[i - 1] as (typeof det)[number];
      const point = det[i] as (typeof det)[number];
      expect(point.fpir).toBeGreaterThanOrEqual(previous.fpir);
      expect(point.fnir).toBeLessThanOrEqual(previous.fnir);
      expect(point.fnir).toBeGreaterThanOrEqual(0);
      expect(point.fpir).toBeLessThanOrEqual(1);
      if (previous.threshold !== null) expect(point.threshold as number).toBeLessThan(previous.threshold);
      // Rates are fractions of the mated and non-mated counts.
      expect(Math.abs(point.fnir * want.mated - Math.round(point.fnir * want.mated))).toBeLessThan(1e-9);
      expect(Math.abs(point.fpir * 4 - Math.round(point.fpir * 4))).toBeLessThan(1e-9);
    }
    // Accepting every rank-1 candidate: each stranger alarms, and only rank-1 misses remain.
    expect(det.at(-1)?.fpir).toBe(1);
    expect(det.at(-1)?.fnir).toBeCloseTo(1 - result.rank1, 9);

    expect(result.atFpir.map((p) => p.fpir)).toEqual([0.01, 0.003, 0.001]);
    for (const point of result.atFpir) {
      // With 4 strangers every target allows none: the threshold lies above every non-mated score,
      // and that DET point has FPIR 0 and the same FNIR.
      expect(point.fnir).not.toBeNull();
      expect(point.fnir as number).toBeGreaterThanOrEqual(1 - result.rank1 - 1e-9);
      const at = det.find((p) => p.threshold === point.threshold);
      if (point.threshold === null) expect(point.fnir).toBe(1);
      else expect(at).toMatchObject({ fpir: 0, fnir: point.fnir });
    }
  });

  it('counts probes without a face: a mated one as a miss, a non-mated one never as an alarm', async () => {
    const blue = await sharp({
      create: { width: 320, height: 240, channels: 3, background: { r: 90, g: 140, b: 200 } },
    })
      .png()
      .toBuffer();
    // Adrien_Brody is enrolled with a real photo and searched with a wall; a wall is also a stranger.
    const archive = await peopleZip([
      { path: 'people/Adrien_Brody/Adrien_Brody_1.jpg', bytes: await readFile(lfwImage('Adrien_Brody', 1)) },
      { path: 'people/Adrien_Brody/Adrien_Brody_2.png', bytes: blue },
      { path: 'people/Blue_Wall/Blue_Wall_1.png', bytes: blue },
    ]);
    const response = await post({ mode: 'identify' }, archive);
    expect(response.status).toBe(202);
    const { jobId } = (await response.json()) as { jobId: string };
    await server.services.jobs.createRunner(pino({ level: 'silent' })).runUntilIdle();
    const body = await server.graphql<{ job: IdentifyShape }>(IDENTIFY_QUERY, { id: jobId }, admin);
    const result = body.data?.job.identifyEvaluation;
    if (!result) throw new Error(`no identify result: ${JSON.stringify(body)}`);
    expect(result).toMatchObject({
      images: 7 + 7 + 5,
      identities: 7,
      mated: 7,
      nonMated: 5,
      failedImages: 2,
      failures: 2,
      enrollFailures: 0,
    });
    // Adrien_Brody's search returns nothing: a miss at every threshold.
    expect(result.rank1).toBeLessThanOrEqual(6 / 7 + 1e-9);
    const lenient = result.det.at(-1);
    expect(lenient?.fnir).toBeGreaterThanOrEqual(1 / 7 - 1e-9);
    expect(lenient?.fnir).toBeCloseTo(1 - result.rank1, 9);
    // Every stranger with a face alarms at the lenient end; the wall never does.
    expect(lenient?.fpir).toBeCloseTo(4 / 5, 9);
  });

  it('refuses a bad mode or enroll, a pairs file with identify, and a zip without strangers', async () => {
    const codes = async (response: Response): Promise<[number, unknown]> => {
      const body = (await response.json()) as { error?: { field?: string }; field?: string };
      return [response.status, body];
    };
    const [badMode, modeBody] = await codes(await post({ mode: 'rank' }));
    expect(badMode).toBe(400);
    expect(JSON.stringify(modeBody)).toContain('identify');
    for (const enroll of ['0', '1.5', 'two', '21']) {
      const [status, body] = await codes(await post({ mode: 'identify', enroll }));
      expect(status, enroll).toBe(400);
      expect(JSON.stringify(body)).toContain('enroll');
    }
    const withPairs = new FormData();
    withPairs.set('galleryId', galleryId);
    withPairs.set('mode', 'identify');
    withPairs.set('archive', zip, 'people.zip');
    withPairs.set('pairs', new Blob(['1\tColin_Powell\t1\t2\n']), 'pairs.txt');
    const pairsResponse = await fetch(`${server.url}/api/evaluations`, {
      method: 'POST',
      headers: admin,
      body: withPairs,
    });
    expect(pairsResponse.status).toBe(400);
    const onlyMated = makeZip([
      { path: 'Colin_Powell/Colin_Powell_1.jpg', bytes: await readFile(lfwImage('Colin_Powell', 1)) },
      { path: 'Colin_Powell/Colin_Powell_2.jpg', bytes: await readFile(lfwImage('Colin_Powell', 2)) },
    ]);
    const [status, body] = await codes(
      await post({ mode: 'identify' }, new Blob([new Uint8Array(onlyMated)], { type: 'application/zip' })),
    );
    expect(status).toBe(400);
    expect(JSON.stringify(body)).toContain('exactly one photo');
  });
});
