// Where webhook recovery looks: from 10 minutes before the previous successful recovery started,
// else over the service's default window (first run, a failed or unfinished run, or one too old).
import { describe, expect, it } from 'vitest';
import { RECOVERY_OVERLAP_MS, recoverySince } from './webhook-worker.js';

const now = new Date('2026-12-06T12:00:00Z');
const minutesAgo = (minutes: number): Date => new Date(now.getTime() - minutes * 60_000);

describe('recoverySince', () => {
  it('looks back from the previous successful run, with overlap', () => {
    const previous = { startedAt: minutesAgo(1), finishedAt: minutesAgo(0.5), error: null };
    expect(recoverySince(previous, now)).toEqual(new Date(minutesAgo(1).getTime() - RECOVERY_OVERLAP_MS));
    // The cluster was down for 3 hours: recovery covers them.
    const old = { startedAt: minutesAgo(180), finishedAt: minutesAgo(179), error: null };
    expect(recoverySince(old, now)).toEqual(minutesAgo(190));
  });

  it('uses the default window after no run, a failed run, an unfinished run or one over a day ago', () => {
    expect(recoverySince(null, now)).toBeUndefined();
    expect(recoverySince({ startedAt: null, finishedAt: null, error: null }, now)).toBeUndefined();
    expect(recoverySince({ startedAt: minutesAgo(1), finishedAt: minutesAgo(0.5), error: 'database gone' }, now)).toBeUndefined();
    // started again after its last finish and never finished (its process died)
    expect(recoverySince({ startedAt: minutesAgo(1), finishedAt: minutesAgo(2), error: null }, now)).toBeUndefined();
    expect(recoverySince({ startedAt: minutesAgo(25 * 60), finishedAt: minutesAgo(25 * 60 - 1), error: null }, now)).toBeUndefined();
  });
});
