// One run of the scheduled purge of probe images and embeddings past their gallery's retention; the
// server's scheduler runs it hourly in one process at a time (infrastructure/scheduler/background-tasks.ts).
// Each run is idempotent, so a missed or repeated run loses nothing. The purge is audited by the service.
import type { Logger } from 'pino';
import type { MatchingService } from './matching.service.js';

/** Purges the probes past retention now, as the system actor, and logs what went when anything did. */
export async function purgeExpiredProbes(
  matching: Pick<MatchingService, 'purgeExpiredProbes'>,
  logger: Logger,
): Promise<void> {
  const started = Date.now();
  const purged = await matching.purgeExpiredProbes({ kind: 'system' }, new Date(started));
  if (purged.eventsCleared > 0) logger.info({ ...purged, ms: Date.now() - started }, 'purged expired probes');
}
