// The camera readers run in one process at a time: two schedulers on one database (two connections
// on PostgreSQL, as two server processes) each carry the camera-readers task over their own
// supervisor; only the one holding the lease reads the camera, and when it stops the other takes
// over and the camera goes LIVE again there.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase, type Database } from '@faceledger/db';
import { createTestDatabaseLocation, TEST_DATABASE_MODES, type TestDatabaseLocation } from '@faceledger/db/testing';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { lfwImage } from '../../../test/test-data.js';
import { cameraReadersTask } from '../../infrastructure/scheduler/background-tasks.js';
import { ScheduledTasksRepository } from '../../infrastructure/scheduler/scheduled-tasks.repository.js';
import { Scheduler } from '../../infrastructure/scheduler/scheduler.js';
import { CameraSupervisor } from './camera-supervisor.js';
import { CamerasRepository } from './cameras.repository.js';
import { makeSceneVideo } from './testing/lfw-video.js';

const logger = pino({ level: process.env.LOG_LEVEL ?? 'silent' });

describe.each(TEST_DATABASE_MODES)('camera readers across processes on %s', (mode) => {
  let location: TestDatabaseLocation;
  let first: Database;
  let second: Database;
  let dir: string;
  let video: string;

  beforeAll(async () => {
    location = await createTestDatabaseLocation(mode);
    first = await openDatabase({ databaseUrl: location.databaseUrl, pgliteDir: location.pgliteDir, logger });
    second = mode === 'postgres' ? await openDatabase({ databaseUrl: location.databaseUrl, pgliteDir: location.pgliteDir, logger }) : first;
    dir = await mkdtemp(path.join(tmpdir(), 'faceledger-camera-mp-'));
    video = path.join(dir, 'hall.mkv');
    await makeSceneVideo([{ image: lfwImage('Aaron_Sorkin', 1), seconds: 30 }], video, { fps: 5, width: 160, height: 120 });
  });
  afterAll(async () => {
    if (second !== first) await second?.close();
    await first?.close();
    await location?.remove();
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a camera in the process holding the lease, and in the other once it stops', async () => {
    const camera = await first.prisma.camera.create({ data: { name: 'Hall', sourceUrl: video, fps: 2, createdBy: 'user:test' } });
    const processes = [first, second].map((db, i) => {
      const supervisor = new CameraSupervisor({
        cameras: new CamerasRepository(db.prisma),
        ffmpegPath: 'ffmpeg',
        analyzer: null,
        logger,
        reconcileMs: 200,
        statusWriteMs: 500,
      });
      const scheduler = new Scheduler(new ScheduledTasksRepository(db.prisma), [cameraReadersTask(supervisor)], logger, { schedulerId: `process-${i}` });
      return { supervisor, scheduler };
    });
    await Promise.all(processes.map((p) => p.scheduler.start()));
    try {
      await vi.waitFor(async () => expect((await first.prisma.camera.findUniqueOrThrow({ where: { id: camera.id } })).state).toBe('LIVE'), { timeout: 15_000, interval: 100 });
      const counts = (): number[] => processes.map((p) => p.supervisor.readerCount);
      expect(counts().sort()).toEqual([0, 1]);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(counts().sort()).toEqual([0, 1]);
      const holder = processes.find((p) => p.supervisor.readerCount === 1)!;
      const other = processes.find((p) => p !== holder)!;

      await holder.scheduler.stop(5000);
      expect(holder.supervisor.readerCount).toBe(0);
      // The lease is given back with the next run one interval (5 s) on: the other claims it then.
      await vi.waitFor(() => expect(other.supervisor.readerCount).toBe(1), { timeout: 15_000, interval: 100 });
      await vi.waitFor(async () => expect((await first.prisma.camera.findUniqueOrThrow({ where: { id: camera.id } })).state).toBe('LIVE'), { timeout: 15_000, interval: 100 });
    } finally {
      await Promise.all(processes.map((p) => p.scheduler.stop(5000)));
    }
  });
});
