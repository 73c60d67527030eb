/** How often the purge runs by default. */
export const PROBE_RETENTION_INTERVAL_MS = 60 * 60 * 1000;
/** Starts the job (first run right away) and returns a function that stops it. */
export function startProbeRetentionJob(services, logger, intervalMs = PROBE_RETENTION_INTERVAL_MS) {
    let running = false;
    const run = async () => {
        if (running)
            return;
        running = true;
        const started = Date.now();
        try {
            const now = new Date();
            const probes = await services.matching.purgeExpiredProbes({ kind: 'system' }, now);
            const uploadsDeleted = await services.uploads.purgeExpired(now.getTime());
            if (probes.eventsCleared > 0 || uploadsDeleted > 0) {
                logger.info({ ...probes, uploadsDeleted, ms: Date.now() - started }, 'purged expired probe images and uploads');
            }
        }
        catch (error) {
            logger.error({ err: error }, 'probe image purge failed; it runs again at the next interval');
        }
        finally {
            running = false;
        }
    };
    const timer = setInterval(() => void run(), intervalMs);
    timer.unref();
    void run();
    return () => clearInterval(timer);
}
//# sourceMappingURL=probe-retention.job.js.map