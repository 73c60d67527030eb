// Per-API-key request limit: a token bucket per key that refills at `perMinute` tokens a minute and
// holds at most `burst`. In memory, per process; a key over its limit gets RATE_LIMITED.

/** How many requests a key may make. */
export interface ApiKeyRateLimits {
  /** Sustained requests per minute per key; 0 turns the limit off. */
  perMinute: number;
  /** Requests a key may send at once after being idle. */
  burst: number;
}

export const DEFAULT_API_KEY_RATE_LIMITS: ApiKeyRateLimits = { perMinute: 600, burst: 60 };

/** Buckets kept before idle ones are swept. */
const SWEEP_AT_SIZE = 10_000;

export class ApiKeyRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly limits: ApiKeyRateLimits = DEFAULT_API_KEY_RATE_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one request from `keyId`'s bucket: 0 when allowed, else the seconds to wait. */
  take(keyId: string): number {
    if (this.limits.perMinute <= 0) return 0;
    const now = this.now();
    const ratePerMs = this.limits.perMinute / 60_000;
    const bucket = this.buckets.get(keyId) ?? { tokens: this.limits.burst, at: now };
    bucket.tokens = Math.min(this.limits.burst, bucket.tokens + (now - bucket.at) * ratePerMs);
    bucket.at = now;
    if (this.buckets.size >= SWEEP_AT_SIZE && !this.buckets.has(keyId)) this.sweep(now, ratePerMs);
    this.buckets.set(keyId, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / ratePerMs / 1000));
  }

  private sweep(now: number, ratePerMs: number): void {
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + (now - bucket.at) * ratePerMs >= this.limits.burst) this.buckets.delete(key);
    }
  }
}
