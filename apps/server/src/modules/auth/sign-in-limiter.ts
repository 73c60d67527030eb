// Slows password guessing: after too many failed sign-ins for one email within a window, further
// attempts for that email are refused until the window has passed. In memory, per process.

/** How many failures an email may collect, and over how long. */
export interface SignInLimits {
  maxFailures: number;
  windowMs: number;
}

export const DEFAULT_SIGN_IN_LIMITS: SignInLimits = { maxFailures: 10, windowMs: 15 * 60 * 1000 };

/** Entries kept before expired ones are swept, so random emails cannot grow memory without bound. */
const SWEEP_AT_SIZE = 10_000;

export class SignInLimiter {
  private readonly failures = new Map<string, { count: number; since: number }>();

  constructor(
    private readonly limits: SignInLimits = DEFAULT_SIGN_IN_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds until `email` may try again, or 0 when it may try now. */
  retryAfterSeconds(email: string): number {
    const entry = this.failures.get(email);
    if (!entry) return 0;
    const left = entry.since + this.limits.windowMs - this.now();
    if (left <= 0) {
      this.failures.delete(email);
      return 0;
    }
    return entry.count >= this.limits.maxFailures ? Math.ceil(left / 1000) : 0;
  }

  recordFailure(email: string): void {
    const now = this.now();
    const entry = this.failures.get(email);
    if (entry && entry.since + this.limits.windowMs > now) {
      entry.count += 1;
      return;
    }
    if (this.failures.size >= SWEEP_AT_SIZE) this.sweep(now);
    this.failures.set(email, { count: 1, since: now });
  }

  recordSuccess(email: string): void {
    this.failures.delete(email);
  }

  private sweep(now: number): void {
    for (const [email, entry] of this.failures) {
      if (entry.since + this.limits.windowMs <= now) this.failures.delete(email);
    }
  }
}
