// The worker loop: runs at start, on every published event and on its interval, one run at a
// time, repeating while runs find due deliveries; recovery of lost deliveries at start and on each
// interval; stop() waits for the run in flight.
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DeliveryRun } from './webhooks.service.js';
import { startWebhookWorker } from './webhook-worker.js';

const IDLE: DeliveryRun = { attempted: 0, succeeded: 0, retrying: 0, failed: 0 };
const BUSY: DeliveryRun = { attempted: 1, succeeded: 1, retrying: 0, failed: 0 };

describe('startWebhookWorker', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs at start, again while deliveries were due, on each published event and each interval', async () => {
    vi.useFakeTimers();
    const runs = [BUSY, IDLE];
    const deliverDue = vi.fn(async () => runs.shift() ?? IDLE);
    const recoverMissed = vi.fn(async (_now: Date, _since?: Date) => 0);
    let published: (() => void) | null = null;
    const stop = startWebhookWorker(
      {
        webhooks: { deliverDue, recoverMissed },
        liveFeed: {
          onPublished: (listener) => {
            published = listener;
            return () => {
              published = null;
            };
          },
        },
      },
      pino({ level: 'silent' }),
      { intervalMs: 5000, recoveryEveryMs: 10_000 },
    );
    await vi.waitFor(() => expect(deliverDue).toHaveBeenCalledTimes(2));
    expect(recoverMissed).toHaveBeenCalledTimes(1);
    published!();
    await vi.waitFor(() => expect(deliverDue).toHaveBeenCalledTimes(3));
    // a published event only delivers; recovery runs again once recoveryEveryMs has passed, and then
    // looks back 10 minutes instead of the first pass's default (24 hours)
    expect(recoverMissed).toHaveBeenCalledTimes(1);
    expect(recoverMissed.mock.calls[0]).toEqual([expect.any(Date), undefined]);
    await vi.advanceTimersByTimeAsync(5000);
    expect(deliverDue).toHaveBeenCalledTimes(4);
    expect(recoverMissed).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(5000);
    expect(recoverMissed).toHaveBeenCalledTimes(2);
    const [at, since] = recoverMissed.mock.calls[1] as [Date, Date];
    expect(at.getTime() - since.getTime()).toBe(10 * 60_000);
    await stop();
    expect(published).toBeNull();
    await vi.advanceTimersByTimeAsync(20_000);
    expect(deliverDue).toHaveBeenCalledTimes(5);
  });

  it('keeps going after a failed run and lets stop() wait for the run in flight', async () => {
    let release: () => void = () => undefined;
    const deliverDue = vi
      .fn<() => Promise<DeliveryRun>>()
      .mockRejectedValueOnce(new Error('database gone'))
      .mockImplementationOnce(() => new Promise((resolve) => (release = () => resolve(IDLE))));
    let kick: () => void = () => undefined;
    const stop = startWebhookWorker(
      {
        webhooks: { deliverDue, recoverMissed: async () => 0 },
        liveFeed: {
          onPublished: (listener) => {
            kick = listener;
            return () => undefined;
          },
        },
      },
      pino({ level: 'silent' }),
      { intervalMs: 60_000 },
    );
    await vi.waitFor(() => expect(deliverDue).toHaveBeenCalledTimes(1));
    await new Promise((resolve) => setImmediate(resolve));
    kick();
    await vi.waitFor(() => expect(deliverDue).toHaveBeenCalledTimes(2));
    let stopped = false;
    const stopping = stop().then(() => {
      stopped = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(stopped).toBe(true);
  });
});
