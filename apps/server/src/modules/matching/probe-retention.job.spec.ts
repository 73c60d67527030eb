// The purge job: runs at once and then on every interval, survives a failing run, and stops.
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startProbeRetentionJob } from './probe-retention.job.js';

describe('startProbeRetentionJob', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('purges probes as the system actor and expired uploads, at start and every interval, until stopped', async () => {
    const purgeExpiredProbes = vi
      .fn()
      .mockRejectedValueOnce(new Error('database away'))
      .mockResolvedValue({ eventsCleared: 1, imagesDeleted: 1 });
    const purgeExpired = vi.fn().mockResolvedValue(0);
    const stop = startProbeRetentionJob(
      { matching: { purgeExpiredProbes }, uploads: { purgeExpired } },
      pino({ level: 'silent' }),
      1000,
    );
    await vi.advanceTimersByTimeAsync(0);
    expect(purgeExpiredProbes).toHaveBeenCalledTimes(1);
    expect(purgeExpiredProbes).toHaveBeenLastCalledWith({ kind: 'system' }, expect.any(Date));
    await vi.advanceTimersByTimeAsync(2000);
    expect(purgeExpiredProbes).toHaveBeenCalledTimes(3);
    expect(purgeExpired).toHaveBeenCalledTimes(2);
    stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(purgeExpiredProbes).toHaveBeenCalledTimes(3);
  });
});
