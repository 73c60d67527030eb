import { describe, expect, it } from 'vitest';
import { ApiKeyRateLimiter } from './api-key-rate-limiter.js';

describe('ApiKeyRateLimiter', () => {
  it('allows a burst, then refuses with the seconds to wait, then refills over time', () => {
    let now = 0;
    const limiter = new ApiKeyRateLimiter({ perMinute: 60, burst: 3 }, () => now);
    expect([limiter.take('k'), limiter.take('k'), limiter.take('k')]).toEqual([0, 0, 0]);
    expect(limiter.take('k')).toBe(1);
    now += 1000;
    expect(limiter.take('k')).toBe(0);
    expect(limiter.take('k')).toBeGreaterThan(0);
  });

  it('keeps one bucket per key', () => {
    const limiter = new ApiKeyRateLimiter({ perMinute: 60, burst: 1 }, () => 0);
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBeGreaterThan(0);
    expect(limiter.take('b')).toBe(0);
  });

  it('is off when perMinute is 0', () => {
    const limiter = new ApiKeyRateLimiter({ perMinute: 0, burst: 0 }, () => 0);
    for (let i = 0; i < 100; i++) expect(limiter.take('k')).toBe(0);
  });
});
