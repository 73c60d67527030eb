import { TEST_DATABASE_MODES } from '@faceledger/db/testing';
import { EvaluationJobDocument, ImportJobDocument, JobsDocument } from '@faceledger/schema/client';
import { print } from 'graphql';
import { pino } from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, createUserAndSignIn, type AuthHeaders } from '../../../test/auth-helpers.js';
import { useTestServer, type TestServer } from '../../../test/test-server.js';
import { encodeCursor } from '../../shared/relay-pagination.js';

const logger = pino({ level: 'silent' });

const JOB = `query ($id: ID!) { job(id: $id) { id status error attempts progress { done total } importSummary { outcome count } } }`;
const JOBS = `query ($kind: JobKind!, $first: Int, $after: String) { jobs(kind: $kind, first: $first, after: $after) { edges { node { id } cursor } pageInfo { hasNextPage endCursor } } }`;

describe.each(TEST_DATABASE_MODES)('jobs on %s', (mode) => {
  let server: TestServer;
  let hr: AuthHeaders;
  let galleryId: string;

  async function startImport(csv: string): Promise<string> {
    const form = new FormData();
    form.set('galleryId', galleryId);
    form.set('csv', new Blob([csv]), 'people.csv');
    form.append('photos', new Blob([new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3])]), 'a.jpg');
    const response = await fetch(`${server.url}/api/imports`, { method: 'POST', headers: hr, body: form });
    expect(response.status).toBe(202);
    return ((await response.json()) as { jobId: string }).jobId;
  }

  useTestServer(mode, (started) => (server = started));
  beforeAll(async () => {
    // The engine is off: enrolling waits for it, which pauses the job.
    hr = await createUserAndSignIn(server, 'HR');
    const created = await server.graphql<{ createGallery: { id: string } }>(
      'mutation ($input: CreateGalleryInput!) { createGallery(input: $input) { id } }',
      { input: { name: `jobs-${mode}`, matchThreshold: 0.6 } },
      await adminHeaders(server),
    );
    galleryId = created.data?.createGallery.id as string;
  });

  it('records rows that need no engine, pauses while the engine is unavailable, and cancels', async () => {
    const jobId = await startImport('externalId,name,photo\nE1,Ann,missing.jpg\nE2,Bob,a.jpg\nE3,Cy,a.jpg\n');
    const runner = server.services.jobs.createRunner(logger);
    expect(await runner.runOne()).toBe(true);

    const paused = await server.graphql<{
      job: { status: string; error: string; progress: { done: number }; importSummary: unknown[] };
    }>(JOB, { id: jobId }, hr);
    expect(paused.data?.job).toMatchObject({
      status: 'RUNNING',
      progress: { done: 1 },
      importSummary: [{ outcome: 'MISSING_PHOTO', count: 1 }],
    });
    expect(paused.data?.job.error).toContain('recognition engine');
    // Paused for a few seconds: no runner may take it before then.
    expect(await runner.runOne()).toBe(false);

    const cancelled = await server.graphql<{ cancelJob: { status: string } }>(
      'mutation ($id: ID!) { cancelJob(id: $id) { status } }',
      { id: jobId },
      hr,
    );
    expect(cancelled.data?.cancelJob.status).toBe('CANCELLED');
    expect(await server.db.prisma.jobFile.count({ where: { jobId } })).toBe(0);
    const again = await server.graphql(
      'mutation ($id: ID!) { cancelJob(id: $id) { status } }',
      { id: jobId },
      hr,
    );
    expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const actions = await server.db.prisma.auditEntry.findMany({
      where: { subject: `job:${jobId}` },
      orderBy: { seq: 'asc' },
    });
    expect(actions.map((a) => a.action)).toEqual(['import.start', 'job.cancel']);
  });

  it('lists jobs of a kind newest first, page by page, for the roles of that kind only', async () => {
    const first = await startImport('externalId,name,photo\nE9,Dee,a.jpg\n');
    const second = await startImport('externalId,name,photo\nE10,Eve,a.jpg\n');
    const page1 = await server.graphql<{
      jobs: { edges: Array<{ node: { id: string } }>; pageInfo: { hasNextPage: boolean; endCursor: string } };
    }>(JOBS, { kind: 'BULK_IMPORT', first: 1 }, hr);
    expect(page1.data?.jobs.edges.map((e) => e.node.id)).toEqual([second]);
    expect(page1.data?.jobs.pageInfo.hasNextPage).toBe(true);
    const page2 = await server.graphql<{ jobs: { edges: Array<{ node: { id: string } }> } }>(
      JOBS,
      { kind: 'BULK_IMPORT', first: 1, after: page1.data?.jobs.pageInfo.endCursor },
      hr,
    );
    expect(page2.data?.jobs.edges.map((e) => e.node.id)).toEqual([first]);

    const reviewer = await createUserAndSignIn(server, 'REVIEWER');
    expect(
      (await server.graphql(JOBS, { kind: 'BULK_IMPORT' }, reviewer)).errors?.[0]?.extensions?.code,
    ).toBe('FORBIDDEN');
    expect((await server.graphql(JOB, { id: first }, reviewer)).errors?.[0]?.extensions?.code).toBe(
      'FORBIDDEN',
    );
    expect((await server.graphql(JOBS, { kind: 'EVALUATION' }, hr)).errors?.[0]?.extensions?.code).toBe(
      'FORBIDDEN',
    );
    expect((await server.graphql(JOB, { id: first })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    for (const id of [first, second])
      await server.graphql('mutation ($id: ID!) { cancelJob(id: $id) { status } }', { id }, hr);
  });

  it('refuses an items cursor past the largest item index with BAD_INPUT', async () => {
    const jobId = await startImport('externalId,name,photo\nE30,Gus,missing.jpg\n');
    const items = (after: string) =>
      server.graphql<{ job: { items: { edges: unknown[] } } }>(
        'query ($id: ID!, $after: String) { job(id: $id) { items(after: $after) { edges { node { index } } } } }',
        { id: jobId, after },
        hr,
      );
    for (const index of [2_147_483_648, 1e20, Number.MAX_SAFE_INTEGER + 2]) {
      const body = await items(encodeCursor([index]));
      expect(body.errors?.[0]?.extensions?.code).toBe('BAD_INPUT');
      expect(body.errors?.[0]?.message).toMatch(/not a valid cursor/);
    }
    const largest = await items(encodeCursor([2_147_483_647]));
    expect(largest.errors).toBeUndefined();
    expect(largest.data?.job.items.edges).toEqual([]);
    await server.graphql('mutation ($id: ID!) { cancelJob(id: $id) { status } }', { id: jobId }, hr);
  });

  it('answers the admin dashboard’s job documents within the query limits', async () => {
    const jobId = await startImport('externalId,name,photo\nE20,Fay,missing.jpg\n');
    const imported = await server.graphql(
      print(ImportJobDocument),
      { id: jobId, first: 50, after: null, onlyProblems: false },
      hr,
    );
    expect(imported.errors).toBeUndefined();
    const listed = await server.graphql(print(JobsDocument), { kind: 'BULK_IMPORT', first: 10 }, hr);
    expect(listed.errors).toBeUndefined();
    const evaluation = await server.graphql<{ job: { evaluation: unknown } }>(
      print(EvaluationJobDocument),
      { id: jobId },
      await adminHeaders(server),
    );
    expect(evaluation.errors).toBeUndefined();
    expect(evaluation.data?.job.evaluation).toBeNull();
    await server.graphql('mutation ($id: ID!) { cancelJob(id: $id) { status } }', { id: jobId }, hr);
  });
});
