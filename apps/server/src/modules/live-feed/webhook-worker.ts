// What one run of the webhook tasks does; the server's scheduler runs them
// (infrastructure/scheduler/background-tasks.ts says when). deliverDueWebhooks sends a batch of due
// deliveries (claimed row by row, so every process may run it); recoverMissedWebhooks queues the
// deliveries a crash between commit and queueing lost, looking back from the previous successful
// recovery (10 minutes of overlap), or over the service's default window (24 hours) after a failed or
// unfinished one, at the first run on a database, and when the previous one is older than that.
import type { Logger } from 'pino';
import type { PreviousRun } from '../../infrastructure/scheduler/scheduler.js';
import type { WebhooksService } from './webhooks.service.js';

/** How far before the previous successful recovery's start the next one looks (transactions in flight then). */
export const RECOVERY_OVERLAP_MS = 10 * 60_000;

/** The longest look back after a successful recovery: as far as the service's default window. */
const LONGEST_LOOK_BACK_MS = 24 * 3_600_000;

/** Sends the deliveries due now; true when it attempted some (more may be due: run again at once). */
export async function deliverDueWebhooks(
  webhooks: Pick<WebhooksService, 'deliverDue'>,
  logger: Logger,
): Promise<boolean> {
  const run = await webhooks.deliverDue(new Date());
  if (run.attempted === 0) return false;
  logger.info(run, 'webhook deliveries attempted');
  return true;
}

/** Where the recovery at `now` after `previous` starts looking; undefined: the service's default window. */
export function recoverySince(previous: PreviousRun | null, now: Date): Date | undefined {
  if (!previous?.startedAt || !previous.finishedAt || previous.error !== null) return undefined;
  if (previous.finishedAt < previous.startedAt) return undefined; // it started again and never finished
  const since = previous.startedAt.getTime() - RECOVERY_OVERLAP_MS;
  return since >= now.getTime() - LONGEST_LOOK_BACK_MS && since < now.getTime() ? new Date(since) : undefined;
}

/** Queues the deliveries of events since the previous recovery that were never queued. */
export async function recoverMissedWebhooks(
  webhooks: Pick<WebhooksService, 'recoverMissed'>,
  logger: Logger,
  previous: PreviousRun | null,
): Promise<void> {
  const now = new Date();
  const recovered = await webhooks.recoverMissed(now, recoverySince(previous, now));
  if (recovered > 0) logger.warn({ recovered }, 'queued webhook deliveries that were never queued (after a crash?)');
}
