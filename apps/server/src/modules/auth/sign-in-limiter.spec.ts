import { describe, expect, it } from 'vitest';
import { REFUSALS_PER_REPORT, SignInLimiter, type SignInAdmission } from './sign-in-limiter.js';

const LIMITS = { maxFailures: 3, maxSourceFailures: 5, windowMs: 60_000, maxEntries: 100 };

function refusal(admission: SignInAdmission) {
  return admission.admitted
    ? null
    : { scope: admission.scope, retryAfterSeconds: admission.retryAfterSeconds };
}

describe('SignInLimiter', () => {
  it('counts an attempt when it begins, so attempts still being checked use up the limit', () => {
    const limiter = new SignInLimiter(LIMITS, () => 0);
    // Three attempts in flight, none finished: the fourth is refused before any password is checked.
    const inFlight = [1, 2, 3].map(() => limiter.begin('a@example.org', '198.51.100.7'));
    expect(inFlight.every((a) => a.admitted)).toBe(true);
    expect(refusal(limiter.begin('a@example.org', '198.51.100.8'))).toEqual({
      scope: 'email',
      retryAfterSeconds: 60,
    });
    expect(limiter.begin('b@example.org', '198.51.100.7').admitted).toBe(true);
  });

  it('locks an email until its window has passed', () => {
    let now = 0;
    const limiter = new SignInLimiter(LIMITS, () => now);
    for (let i = 0; i < 3; i += 1) limiter.begin('a', `192.0.2.${i}`);
    now = 59_500;
    expect(refusal(limiter.begin('a', '192.0.2.9'))).toEqual({ scope: 'email', retryAfterSeconds: 1 });
    now = 60_000;
    expect(limiter.begin('a', '192.0.2.9').admitted).toBe(true);
  });

  it('gives a successful attempt back and clears its email, but keeps the source count of the failures', () => {
    const limiter = new SignInLimiter(LIMITS, () => 0);
    limiter.begin('a', 'src');
    limiter.begin('a', 'src');
    const right = limiter.begin('a', 'src');
    if (!right.admitted) throw new Error('expected the third attempt to be admitted');
    right.succeeded();
    right.succeeded();
    for (let i = 0; i < 3; i += 1) expect(limiter.begin('a', `other-${i}`).admitted).toBe(true);
    // 'src' made two failed attempts and one that succeeded (given back): three more reach its limit of 5.
    expect(limiter.begin('b', 'src').admitted).toBe(true);
    expect(limiter.begin('c', 'src').admitted).toBe(true);
    expect(limiter.begin('d', 'src').admitted).toBe(true);
    expect(refusal(limiter.begin('e', 'src'))).toEqual({ scope: 'source', retryAfterSeconds: 60 });
  });

  it('limits one source across many emails', () => {
    const limiter = new SignInLimiter(LIMITS, () => 0);
    for (let i = 0; i < 5; i += 1)
      expect(limiter.begin(`user${i}@example.org`, '203.0.113.5').admitted).toBe(true);
    expect(refusal(limiter.begin('fresh@example.org', '203.0.113.5'))).toEqual({
      scope: 'source',
      retryAfterSeconds: 60,
    });
    expect(limiter.begin('fresh@example.org', '203.0.113.6').admitted).toBe(true);
  });

  it('reports refusals in aggregate: the first of a lockout, then one per REFUSALS_PER_REPORT, then the rest when it ends', () => {
    let now = 0;
    const limiter = new SignInLimiter(LIMITS, () => now);
    for (let i = 0; i < 3; i += 1) limiter.begin('a', `s${i}`);
    const reports: number[] = [];
    for (let i = 0; i < 250; i += 1) {
      const admission = limiter.begin('a', `t${i}`);
      if (admission.admitted) throw new Error('expected a refusal');
      if (admission.report > 0) reports.push(admission.report);
    }
    expect(reports).toEqual([1, REFUSALS_PER_REPORT, REFUSALS_PER_REPORT]);
    expect(limiter.takeReports()).toEqual([]);
    now = 60_000;
    expect(limiter.begin('a', 'later').admitted).toBe(true);
    expect(limiter.takeReports()).toEqual([
      { scope: 'email', key: 'a', refused: 249 - 2 * REFUSALS_PER_REPORT },
    ]);
    expect(limiter.takeReports()).toEqual([]);
  });

  it('holds at most maxEntries windows per kind, however many emails and sources it sees', () => {
    let now = 0;
    const limiter = new SignInLimiter({ ...LIMITS, maxSourceFailures: 1000, maxEntries: 10 }, () => now);
    for (let i = 0; i < 3; i += 1) limiter.begin('locked', 'one');
    expect(limiter.begin('locked', 'one').admitted).toBe(false);
    expect(limiter.begin('locked', 'one').admitted).toBe(false);
    for (let i = 0; i < 1000; i += 1) {
      now += 1;
      limiter.begin(`spray-${i}@example.org`, `198.51.100.${i % 200}`);
    }
    expect(limiter.size).toEqual({ email: 10, source: 10 });
    // The dropped lockout's refusal that was not reported yet is not lost.
    expect(limiter.takeReports()).toEqual([{ scope: 'email', key: 'locked', refused: 1 }]);
  });
});
