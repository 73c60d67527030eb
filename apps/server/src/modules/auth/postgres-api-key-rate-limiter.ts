// The API-key token buckets in PostgreSQL (api_key_rate_buckets), shared by every server process on
// one database: each request refills and takes in one atomic upsert on the database clock, so two
// processes never both spend the last token. Buckets that have refilled completely are deleted.
import { Prisma, type PrismaClient } from '@faceledger/db';
import {
  DEFAULT_API_KEY_RATE_LIMITS,
  secondsUntilToken,
  type ApiKeyRateLimits,
  type ApiKeyRateLimitStore,
} from './api-key-rate-limiter.js';

/** How often one process deletes full buckets (a full bucket and no row answer alike). */
const SWEEP_INTERVAL_MS = 60_000;

export class PostgresApiKeyRateLimiter implements ApiKeyRateLimitStore {
  private lastSweep = 0;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly limits: ApiKeyRateLimits = DEFAULT_API_KEY_RATE_LIMITS,
  ) {}

  async take(keyId: string): Promise<number> {
    if (this.limits.perMinute <= 0) return 0;
    await this.sweepFullBuckets();
    const { burst } = this.limits;
    const ratePerSecond = this.limits.perMinute / 60;
    // The bucket's level now: what it held, refilled for the time since its last request
    // (EXCLUDED.updated_at is this statement's clock reading), capped at burst.
    const level = Prisma.sql`LEAST(${burst}::float8, b.tokens
      + GREATEST(0, EXTRACT(EPOCH FROM EXCLUDED.updated_at - b.updated_at)::float8) * ${ratePerSecond}::float8)`;
    const rows = await this.prisma.$queryRaw<Array<{ tokens: number; allowed: boolean }>>`
      INSERT INTO api_key_rate_buckets AS b (key_id, tokens, last_allowed, updated_at)
      VALUES (${keyId}, ${burst}::float8 - 1, true, clock_timestamp())
      ON CONFLICT (key_id) DO UPDATE SET
        tokens = ${level} - CASE WHEN ${level} >= 1 THEN 1 ELSE 0 END,
        last_allowed = ${level} >= 1,
        updated_at = EXCLUDED.updated_at
      RETURNING b.tokens, b.last_allowed AS allowed`;
    const row = rows[0];
    if (!row || row.allowed) return 0;
    return secondsUntilToken(row.tokens, this.limits);
  }

  /** Deletes, at most once a minute, the buckets that have refilled to `burst` since their last request. */
  private async sweepFullBuckets(): Promise<void> {
    const now = Date.now();
    if (now - this.lastSweep < SWEEP_INTERVAL_MS) return;
    this.lastSweep = now;
    const fullAfterSeconds = this.limits.burst / (this.limits.perMinute / 60);
    await this.prisma.$executeRaw`
      DELETE FROM api_key_rate_buckets
      WHERE updated_at < clock_timestamp() - make_interval(secs => ${fullAfterSeconds}::float8)`;
  }
}
