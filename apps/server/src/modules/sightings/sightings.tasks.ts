// The sightings' background tasks (listed in infrastructure/scheduler/background-tasks.ts):
// sighting-retention deletes sightings past their camera's retention (one process at a time, hourly,
// audited by the service); sighting-tracks closes the tracks of cameras that stopped sending frames
// (every process: the open tracks live in the process that runs the camera readers).
import type { Logger } from 'pino';
import type { BackgroundTask } from '../../infrastructure/scheduler/scheduler.js';
import type { SightingAnalyzer } from './sighting-analyzer.js';
import type { SightingsService } from './sightings.service.js';

const SECOND = 1000;
const HOUR = 3_600 * SECOND;

export function sightingTasks(
  services: {
    sightings: Pick<SightingsService, 'purgeExpired'>;
    sightingAnalyzer: Pick<SightingAnalyzer, 'expireIdle'>;
  },
  logger: Logger,
): BackgroundTask[] {
  return [
    {
      name: 'sighting-retention',
      description: "delete sightings, their crops and alerts past their camera's retention (audited)",
      everyMs: HOUR,
      lease: 'task',
      run: async () => {
        const started = Date.now();
        const purged = await services.sightings.purgeExpired({ kind: 'system' }, new Date(started));
        if (purged.sightingsDeleted > 0)
          logger
            .child({ module: 'retention' })
            .info({ ...purged, ms: Date.now() - started }, 'purged expired sightings');
      },
    },
    {
      name: 'sighting-tracks',
      description: 'record the face tracks of cameras that stopped sending frames',
      everyMs: 2 * SECOND,
      lease: 'rows',
      run: async () => {
        await services.sightingAnalyzer.expireIdle(new Date());
      },
    },
  ];
}
