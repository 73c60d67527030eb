import { describe, expect, it } from 'vitest';
import { SignInLimiter } from './sign-in-limiter.js';

describe('SignInLimiter', () => {
  it('locks an email after maxFailures within the window, until the window has passed', () => {
    let now = 0;
    const limiter = new SignInLimiter({ maxFailures: 3, windowMs: 60_000 }, () => now);
    for (let i = 0; i < 3; i += 1) {
      expect(limiter.retryAfterSeconds('a@example.org')).toBe(0);
      limiter.recordFailure('a@example.org');
    }
    expect(limiter.retryAfterSeconds('a@example.org')).toBe(60);
    expect(limiter.retryAfterSeconds('b@example.org')).toBe(0);
    now = 59_500;
    expect(limiter.retryAfterSeconds('a@example.org')).toBe(1);
    now = 60_000;
    expect(limiter.retryAfterSeconds('a@example.org')).toBe(0);
  });

  it('forgets failures after a success and starts a new window after the old one', () => {
    let now = 0;
    const limiter = new SignInLimiter({ maxFailures: 2, windowMs: 1000 }, () => now);
    limiter.recordFailure('a');
    limiter.recordSuccess('a');
    limiter.recordFailure('a');
    expect(limiter.retryAfterSeconds('a')).toBe(0);
    now = 2000;
    limiter.recordFailure('a');
    expect(limiter.retryAfterSeconds('a')).toBe(0);
    limiter.recordFailure('a');
    expect(limiter.retryAfterSeconds('a')).toBe(1);
  });
});
