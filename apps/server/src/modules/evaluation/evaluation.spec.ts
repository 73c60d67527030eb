import { readFile } from 'node:fs/promises';
import { TEST_DATABASE_MODES } from '@faceledger/db/testing';
import { pino } from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, createUserAndSignIn, type AuthHeaders } from '../../../test/auth-helpers.js';
import { lfwImage } from '../../../test/test-data.js';
import { useTestServer, type TestServer } from '../../../test/test-server.js';
import { makeZip } from '../../../test/zip-writer.js';

const EVALUATION_QUERY = `query ($id: ID!) {
  job(id: $id) {
    status progress { done total } error
    evaluation {
      source pairs samePairs differentPairs images failedImages unscoredPairs accuracy auc eer bestThreshold
      roc { threshold fmr tmr }
      atEvaluation { threshold fmr fnmr }
      atGalleryThreshold { threshold fmr fnmr }
    }
  }
}`;

interface EvaluationShape {
  status: string;
  progress: { done: number; total: number };
  evaluation: {
    source: string;
    pairs: number;
    samePairs: number;
    differentPairs: number;
    images: number;
    failedImages: number;
    accuracy: number;
    auc: number;
    eer: number;
    roc: Array<{ threshold: number | null; fmr: number; tmr: number }>;
    atEvaluation: { threshold: number; fmr: number; fnmr: number };
    atGalleryThreshold: { threshold: number; fmr: number; fnmr: number };
  } | null;
}

const SET_THRESHOLD = `mutation ($galleryId: ID!, $jobId: ID!, $targetFmr: Float!) {
  setGalleryThresholdForFmr(galleryId: $galleryId, jobId: $jobId, targetFmr: $targetFmr) {
    gallery { id matchThreshold } targetFmr threshold fmr fnmr
  }
}`;

describe.each(TEST_DATABASE_MODES)('evaluation on %s', (mode) => {
  let server: TestServer;
  let admin: AuthHeaders;

  useTestServer(mode, (started) => (server = started), { recognition: true });
  beforeAll(async () => {
    admin = await adminHeaders(server);
  });

  it('evaluates a folder-per-person zip, and an admin sets the threshold for a target FMR', async () => {
    const created = await server.graphql<{ createGallery: { id: string } }>(
      'mutation ($input: CreateGalleryInput!) { createGallery(input: $input) { id } }',
      { input: { name: `eval-${mode}`, matchThreshold: 0.6 } },
      admin,
    );
    const galleryId = created.data?.createGallery.id as string;
    const people = [
      ['Colin_Powell', [1, 2]],
      ['Tony_Blair', [2, 3]],
      ['Hugo_Chavez', [1, 2]],
    ] as const;
    const files = [];
    for (const [name, numbers] of people) {
      for (const n of numbers)
        files.push({ path: `set/${name}/${name}_${n}.jpg`, bytes: await readFile(lfwImage(name, n)) });
    }
    const form = new FormData();
    form.set('galleryId', galleryId);
    form.set(
      'archive',
      new Blob([new Uint8Array(makeZip(files))], { type: 'application/zip' }),
      'people.zip',
    );
    const response = await fetch(`${server.url}/api/evaluations`, {
      method: 'POST',
      headers: admin,
      body: form,
    });
    expect(response.status).toBe(202);
    const started = (await response.json()) as { jobId: string; images: number; pairs: number };
    expect(started).toMatchObject({ images: 6, pairs: 6 });

    await server.services.jobs.createRunner(pino({ level: 'silent' })).runUntilIdle();

    const body = await server.graphql<{ job: EvaluationShape }>(
      EVALUATION_QUERY,
      { id: started.jobId },
      admin,
    );
    const job = body.data?.job;
    expect(job?.status, JSON.stringify(body.errors ?? job)).toBe('SUCCEEDED');
    const evaluation = job?.evaluation;
    if (!evaluation) throw new Error('no evaluation result');
    expect(evaluation).toMatchObject({
      source: 'FOLDER_PER_PERSON',
      pairs: 6,
      samePairs: 3,
      differentPairs: 3,
      images: 6,
      failedImages: 0,
    });
    expect(evaluation.accuracy).toBeGreaterThanOrEqual(0);
    expect(evaluation.accuracy).toBeLessThanOrEqual(1);
    expect(evaluation.auc).toBeGreaterThanOrEqual(0);
    expect(evaluation.auc).toBeLessThanOrEqual(1);
    expect(evaluation.roc.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < evaluation.roc.length; i++) {
      const previous = evaluation.roc[i - 1] as { fmr: number; tmr: number };
      const point = evaluation.roc[i] as { fmr: number; tmr: number };
      expect(point.fmr).toBeGreaterThanOrEqual(previous.fmr);
      expect(point.tmr).toBeGreaterThanOrEqual(previous.tmr);
    }
    expect(evaluation.roc.at(-1)).toMatchObject({ fmr: 1, tmr: 1 });
    expect(evaluation.atEvaluation.threshold).toBe(0.6);
    expect(evaluation.atGalleryThreshold.threshold).toBe(0.6);

    const auditor = await createUserAndSignIn(server, 'AUDITOR');
    const refused = await server.graphql(
      SET_THRESHOLD,
      { galleryId, jobId: started.jobId, targetFmr: 0 },
      auditor,
    );
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const set = await server.graphql<{
      setGalleryThresholdForFmr: {
        gallery: { matchThreshold: number };
        threshold: number;
        fmr: number;
        fnmr: number;
      };
    }>(SET_THRESHOLD, { galleryId, jobId: started.jobId, targetFmr: 0 }, admin);
    const applied = set.data?.setGalleryThresholdForFmr;
    expect(applied, JSON.stringify(set.errors)).toBeTruthy();
    expect(applied?.fmr).toBe(0);
    expect(applied?.gallery.matchThreshold).toBe(applied?.threshold);
    const entry = await server.db.prisma.auditEntry.findFirst({
      where: { action: 'gallery.update', subject: `gallery:${galleryId}` },
    });
    expect(entry?.payload).toMatchObject({
      evaluationJobId: started.jobId,
      targetFmr: 0,
      to: applied?.threshold,
    });

    const after = await server.graphql<{ job: EvaluationShape }>(
      EVALUATION_QUERY,
      { id: started.jobId },
      admin,
    );
    expect(after.data?.job.evaluation?.atGalleryThreshold).toMatchObject({
      threshold: applied?.threshold,
      fmr: 0,
    });
  });

  it('refuses a zip that is not one, and HR', async () => {
    const gallery = await server.graphql<{ galleries: Array<{ id: string }> }>(
      '{ galleries { id } }',
      {},
      admin,
    );
    const galleryId = gallery.data?.galleries[0]?.id as string;
    const form = new FormData();
    form.set('galleryId', galleryId);
    form.set('archive', new Blob(['not a zip']), 'x.zip');
    const bad = await fetch(`${server.url}/api/evaluations`, { method: 'POST', headers: admin, body: form });
    expect(bad.status).toBe(400);
    const hr = await createUserAndSignIn(server, 'HR');
    const forbidden = await fetch(`${server.url}/api/evaluations`, {
      method: 'POST',
      headers: hr,
      body: form,
    });
    expect(forbidden.status).toBe(403);
  });
});
