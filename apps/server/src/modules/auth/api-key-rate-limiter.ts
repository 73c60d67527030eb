// Per-API-key request limit: a token bucket per key that refills at `perMinute` tokens a minute and
// holds at most `burst`; a key over its limit gets RATE_LIMITED. ApiKeyRateLimiter keeps the buckets
// in memory, for one process (PGlite); PostgresApiKeyRateLimiter keeps them in PostgreSQL, so every
// server process on one database draws from the same bucket.

/** How many requests a key may make. */
export interface ApiKeyRateLimits {
  /** Sustained requests per minute per key; 0 turns the limit off. */
  perMinute: number;
  /** Requests a key may send at once after being idle. */
  burst: number;
}

export const DEFAULT_API_KEY_RATE_LIMITS: ApiKeyRateLimits = { perMinute: 600, burst: 60 };

/** Where the buckets live; every implementation answers as take() below. */
export interface ApiKeyRateLimitStore {
  /** Takes one request from `keyId`'s bucket: 0 when allowed, else the seconds to wait. */
  take(keyId: string): number | Promise<number>;
}

/** Seconds until a bucket holding `tokens` has one again. */
export function secondsUntilToken(tokens: number, limits: ApiKeyRateLimits): number {
  const ratePerMs = limits.perMinute / 60_000;
  return Math.max(1, Math.ceil((1 - tokens) / ratePerMs / 1000));
}

/** Buckets kept before idle ones are swept. */
const SWEEP_AT_SIZE = 10_000;

/** The buckets in this process's memory: the store of a single process (PGlite). */
export class ApiKeyRateLimiter implements ApiKeyRateLimitStore {
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
    return secondsUntilToken(bucket.tokens, this.limits);
  }

  private sweep(now: number, ratePerMs: number): void {
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + (now - bucket.at) * ratePerMs >= this.limits.burst) this.buckets.delete(key);
    }
  }
}
