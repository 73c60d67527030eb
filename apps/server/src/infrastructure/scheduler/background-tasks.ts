// Every background task of the server and when it runs: the one place to read what runs when.
// main.ts hands this list to one Scheduler. 'task' tasks run in one process at a time across every
// server on the database (the scheduled_tasks lease); 'rows' tasks run in every process and share
// their work through the leases of the rows they claim (jobs, webhook_deliveries).
import type { Logger } from 'pino';
import type { JobRunner } from '../../modules/jobs/job-runner.js';
import type { LiveFeedService } from '../../modules/live-feed/live-feed.service.js';
import { deliverDueWebhooks, recoverMissedWebhooks } from '../../modules/live-feed/webhook-worker.js';
import type { WebhooksService } from '../../modules/live-feed/webhooks.service.js';
import type { MatchingService } from '../../modules/matching/matching.service.js';
import { purgeExpiredProbes } from '../../modules/matching/probe-retention.job.js';
import type { UploadsService } from '../../modules/uploads/uploads.service.js';
import type { SightingAnalyzer } from '../../modules/sightings/sighting-analyzer.js';
import type { SightingsService } from '../../modules/sightings/sightings.service.js';
import { sightingTasks } from '../../modules/sightings/sightings.tasks.js';
import type { BackgroundTask } from './scheduler.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** What the tasks work with. */
export interface BackgroundTaskDependencies {
  services: {
    webhooks: Pick<WebhooksService, 'deliverDue' | 'recoverMissed'>;
    liveFeed: Pick<LiveFeedService, 'onPublished'>;
    matching: Pick<MatchingService, 'purgeExpiredProbes'>;
    uploads: Pick<UploadsService, 'purgeExpired'>;
    sightings: Pick<SightingsService, 'purgeExpired'>;
    sightingAnalyzer: Pick<SightingAnalyzer, 'expireIdle'>;
  };
  /** The runner of bulk imports and evaluations (JobsService.createRunner). */
  jobRunner: JobRunner;
  /** Settles once the engine has loaded or failed: jobs start then, so a resumed job does not pause at once. */
  engineSettled: Promise<unknown>;
  /** FACELEDGER_WEBHOOK_INTERVAL_SECONDS, in ms. */
  webhookIntervalMs: number;
  /** Runs the cameras' readers until its signal aborts (modules/cameras/camera-supervisor.ts); no camera task without it. */
  cameraSupervisor?: { run(signal: AbortSignal): Promise<void> };
  logger: Logger;
}

/**
 * The "jobs" task: works queued jobs (and RUNNING ones whose lease expired: a process died) one at
 * a time, every second, at once when a job is queued in this process, and again at once after each job.
 */
export function jobsTask(runner: JobRunner, engineSettled?: Promise<unknown>): BackgroundTask {
  return {
    name: 'jobs',
    description: 'bulk imports and evaluations',
    everyMs: SECOND,
    lease: 'rows',
    notBefore: engineSettled,
    wakeOn: (wake) => runner.onWake(wake),
    run: ({ signal }) => runner.runOne(signal),
  };
}

/** Every background task, in the order the status listing shows them. */
export function createBackgroundTasks(deps: BackgroundTaskDependencies): BackgroundTask[] {
  const { services, logger } = deps;
  return [
    jobsTask(deps.jobRunner, deps.engineSettled),
    {
      name: 'webhook-deliveries',
      description: 'POST due webhook deliveries (again at once while some were due)',
      everyMs: deps.webhookIntervalMs,
      lease: 'rows',
      wakeOn: (wake) => services.liveFeed.onPublished(wake),
      run: () => deliverDueWebhooks(services.webhooks, logger.child({ module: 'webhooks' })),
    },
    {
      name: 'webhook-recovery',
      description: 'queue deliveries that a crash between commit and queueing lost',
      everyMs: MINUTE,
      lease: 'task',
      run: ({ previous }) => recoverMissedWebhooks(services.webhooks, logger.child({ module: 'webhooks' }), previous),
    },
    {
      name: 'probe-retention',
      description: 'clear probe images and embeddings past their gallery retention (audited)',
      everyMs: HOUR,
      lease: 'task',
      run: () => purgeExpiredProbes(services.matching, logger.child({ module: 'retention' })),
    },
    {
      name: 'upload-expiry',
      description: 'drop pending uploads older than 24 h and the images nothing else uses',
      everyMs: HOUR,
      lease: 'task',
      run: async () => {
        const deleted = await services.uploads.purgeExpired(Date.now());
        if (deleted > 0) logger.child({ module: 'retention' }).info({ imagesDeleted: deleted }, 'purged expired uploads');
      },
    },
    ...(deps.cameraSupervisor ? [cameraReadersTask(deps.cameraSupervisor)] : []),
    // sighting-retention (hourly, one process) and sighting-tracks (every 2 s, every process).
    ...sightingTasks(services, logger),
  ];
}

/**
 * The "camera-readers" task: one run lasts as long as this process holds the task's lease and runs
 * an ffmpeg reader per enabled camera; when the process stops or dies, another claims it within
 * a lease (60 s) and starts the readers there.
 */
export function cameraReadersTask(supervisor: { run(signal: AbortSignal): Promise<void> }): BackgroundTask {
  return {
    name: 'camera-readers',
    description: 'read every enabled camera with ffmpeg (one process at a time holds all readers)',
    everyMs: 5 * SECOND,
    lease: 'task',
    run: ({ signal }) => supervisor.run(signal),
  };
}
