// The scheduled purge of probe images and embeddings past their gallery's retention, and of expired uploads.
// A plain interval in the server process; each run is idempotent, so missing one loses nothing.
import type { Logger } from 'pino';
import type { MatchingService } from './matching.service.js';
import type { UploadsService } from '../uploads/uploads.service.js';

/** How often the purge runs by default. */
export const PROBE_RETENTION_INTERVAL_MS = 60 * 60 * 1000;

/** Starts the job (first run right away) and returns a function that stops it. */
export function startProbeRetentionJob(
  services: {
    matching: Pick<MatchingService, 'purgeExpiredProbes'>;
    uploads: Pick<UploadsService, 'purgeExpired'>;
  },
  logger: Logger,
  intervalMs = PROBE_RETENTION_INTERVAL_MS,
): () => void {
  let running = false;
  const run = async (): Promise<void> => {
    if (running) return;
    running = true;
    const started = Date.now();
    try {
      const now = new Date();
      const probes = await services.matching.purgeExpiredProbes({ kind: 'system' }, now);
      const uploadsDeleted = await services.uploads.purgeExpired(now.getTime());
      if (probes.eventsCleared > 0 || uploadsDeleted > 0) {
        logger.info(
          { ...probes, uploadsDeleted, ms: Date.now() - started },
          'purged expired probes and uploads',
        );
      }
    } catch (error) {
      logger.error({ err: error }, 'probe image purge failed; it runs again at the next interval');
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void run(), intervalMs);
  timer.unref();
  void run();
  return () => clearInterval(timer);
}
