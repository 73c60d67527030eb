// The webhook worker of a running server: calls deliverDue() every interval and at once when an
// event is published, one run at a time, going on while runs find due deliveries. At start it first
// queues the deliveries a crash may have lost (recoverMissed() over the last 24 hours), and then once
// a minute those whose queueing failed while running (over the last 10 minutes).
import type { Logger } from 'pino';
import type { LiveFeedService } from './live-feed.service.js';
import type { WebhooksService } from './webhooks.service.js';

/** How far back the recovery passes after the first look (the first looks back 24 hours). */
const RUNNING_RECOVERY_WINDOW_MS = 10 * 60_000;

/** Starts the worker; the returned function stops it and waits for the attempt in flight. */
export function startWebhookWorker(
  services: {
    webhooks: Pick<WebhooksService, 'deliverDue' | 'recoverMissed'>;
    liveFeed: Pick<LiveFeedService, 'onPublished'>;
  },
  logger: Logger,
  options: { intervalMs: number; recoveryEveryMs?: number },
): () => Promise<void> {
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  const recoveryEveryMs = options.recoveryEveryMs ?? 60_000;
  let lastRecovery: number | null = null;

  const tick = (): void => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        try {
          const now = new Date();
          if (lastRecovery === null || now.getTime() - lastRecovery >= recoveryEveryMs) {
            const since =
              lastRecovery === null ? undefined : new Date(now.getTime() - RUNNING_RECOVERY_WINDOW_MS);
            lastRecovery = now.getTime();
            const recovered = await services.webhooks.recoverMissed(now, since);
            if (recovered > 0)
              logger.warn({ recovered }, 'queued webhook deliveries that were never queued (after a crash?)');
          }
          const run = await services.webhooks.deliverDue(new Date());
          if (run.attempted > 0) {
            logger.info(run, 'webhook deliveries attempted');
            again = true;
          }
        } catch (error) {
          logger.error({ err: error }, 'webhook delivery run failed; retrying at the next interval');
        }
      } while (again && !stopped);
    })().finally(() => {
      running = null;
    });
  };

  const timer = setInterval(tick, options.intervalMs);
  timer.unref();
  const unlisten = services.liveFeed.onPublished(tick);
  tick();
  return async () => {
    stopped = true;
    clearInterval(timer);
    unlisten();
    await running;
  };
}
