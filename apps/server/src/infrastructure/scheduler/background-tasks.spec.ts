// The jobs task on two schedulers over one server's queue (as two processes would run it), on both
// databases: queued imports wake the runners, each job is claimed once and every row counted once.
import { TEST_DATABASE_MODES } from '@faceledger/db/testing';
import { pino } from 'pino';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { adminHeaders, createUserAndSignIn, type AuthHeaders } from '../../../test/auth-helpers.js';
import { useTestServer, type TestServer } from '../../../test/test-server.js';
import { jobsTask } from './background-tasks.js';
import { ScheduledTasksRepository } from './scheduled-tasks.repository.js';
import { Scheduler } from './scheduler.js';

const logger = pino({ level: 'silent' });
const ROWS = 12;

describe.each(TEST_DATABASE_MODES)('the jobs task on two schedulers on %s', (mode) => {
  let server: TestServer;
  let hr: AuthHeaders;
  let galleryId: string;
  const schedulers: Scheduler[] = [];

  useTestServer(mode, (started) => (server = started));
  beforeAll(async () => {
    hr = await createUserAndSignIn(server, 'HR');
    const created = await server.graphql<{ createGallery: { id: string } }>(
      'mutation ($input: CreateGalleryInput!) { createGallery(input: $input) { id } }',
      { input: { name: `scheduler-jobs-${mode}`, matchThreshold: 0.6 } },
      await adminHeaders(server),
    );
    galleryId = created.data?.createGallery.id as string;
  });

  afterEach(async () => {
    for (const scheduler of schedulers.splice(0)) await scheduler.stop();
  });

  /** Queues an import whose rows name photos it does not send: each row ends MISSING_PHOTO without the engine. */
  async function queueImport(tag: string): Promise<string> {
    const csv = ['externalId,name,photo', ...Array.from({ length: ROWS }, (_, i) => `${tag}-${i},P ${i},gone-${i}.jpg`)];
    const form = new FormData();
    form.set('galleryId', galleryId);
    form.set('csv', new Blob([csv.join('\n')]), 'people.csv');
    form.append('photos', new Blob([new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3])]), 'unused.jpg');
    const response = await fetch(`${server.url}/api/imports`, { method: 'POST', headers: hr, body: form });
    expect(response.status).toBe(202);
    return ((await response.json()) as { jobId: string }).jobId;
  }

  function startProcess(id: string): Scheduler {
    const runner = server.services.jobs.createRunner(logger, { workerId: `runner-${id}` });
    const scheduler = new Scheduler(new ScheduledTasksRepository(server.db.prisma), [jobsTask(runner)], logger, {
      schedulerId: id,
    });
    schedulers.push(scheduler);
    return scheduler;
  }

  it('works every queued job once across both', async () => {
    await Promise.all([startProcess('a').start(), startProcess('b').start()]);
    // Queued after both started: the enqueue wakes them (their interval is a second).
    const jobIds = await Promise.all(['J1', 'J2', 'J3', 'J4'].map(queueImport));
    await vi.waitFor(
      async () => {
        const jobs = await server.db.prisma.job.findMany({ where: { id: { in: jobIds } } });
        expect(jobs.map((j) => j.status)).toEqual(jobIds.map(() => 'SUCCEEDED'));
      },
      { timeout: 60_000, interval: 100 },
    );
    const jobs = await server.db.prisma.job.findMany({ where: { id: { in: jobIds } } });
    // Claimed once each (attempts counts claims), every row counted once and none left claimed.
    expect(jobs.map((j) => ({ attempts: j.attempts, done: j.done, total: j.total }))).toEqual(
      jobIds.map(() => ({ attempts: 1, done: ROWS, total: ROWS })),
    );
    const items = await server.db.prisma.jobItem.groupBy({
      by: ['jobId'],
      where: { jobId: { in: jobIds }, processedAt: { not: null } },
      _count: true,
    });
    expect(items.map((i) => i._count).sort()).toEqual(jobIds.map(() => ROWS));
  });
});
