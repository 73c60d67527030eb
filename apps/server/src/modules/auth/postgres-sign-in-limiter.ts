// The sign-in limit windows in PostgreSQL (sign_in_windows), shared by every server process on one
// database. An attempt locks its email's and its source's rows (always in that order, so two attempts
// cannot deadlock), renews an expired window, and counts or refuses in one transaction on the
// database clock: parallel attempts on several processes cannot all pass the check. Expired windows
// are deleted at most once a minute, their unreported refusals handed to takeReports().
import type { PrismaClient } from '@faceledger/db';
import {
  blockingScope,
  DEFAULT_SIGN_IN_LIMITS,
  PendingRefusalReports,
  refuse,
  type LimitWindow,
  type SignInAdmission,
  type SignInLimits,
  type SignInLimitScope,
  type SignInLimitStore,
  type SignInRefusalReport,
} from './sign-in-limiter.js';

/** How often one process deletes expired windows. */
const SWEEP_INTERVAL_MS = 60_000;

interface WindowRow {
  scope: SignInLimitScope;
  since: Date;
  count: number;
  unreported: number;
  refused: number;
}

export class PostgresSignInLimiter implements SignInLimitStore {
  private readonly limits: SignInLimits;
  private readonly pending = new PendingRefusalReports();
  private lastSweep = 0;

  constructor(
    private readonly prisma: PrismaClient,
    limits: Partial<SignInLimits> = {},
  ) {
    this.limits = { ...DEFAULT_SIGN_IN_LIMITS, ...limits };
  }

  async begin(email: string, source: string): Promise<SignInAdmission> {
    const { windowMs } = this.limits;
    const outcome = await this.prisma.$transaction(async (tx) => {
      // Milliseconds, so a window's `since` read back into a Date still names that window.
      const [clock] = await tx.$queryRaw<Array<{ now: Date }>>`
        SELECT date_trunc('milliseconds', clock_timestamp()) AS now`;
      const now = clock!.now;
      // Made or locked (the no-op update locks an existing row, so the sweep, which skips locked
      // rows, cannot delete it before it is read), the email's row first, then the source's.
      for (const [scope, key] of [['email', email], ['source', source]] as const) {
        await tx.$executeRaw`
          INSERT INTO sign_in_windows (scope, key, since, count, unreported, refused)
          VALUES (${scope}, ${key}, ${now}, 0, 0, 0)
          ON CONFLICT (scope, key) DO UPDATE SET count = sign_in_windows.count`;
      }
      const rows = await tx.$queryRaw<WindowRow[]>`
        SELECT scope, since, count, unreported, refused FROM sign_in_windows
        WHERE (scope = 'email' AND key = ${email}) OR (scope = 'source' AND key = ${source})
        ORDER BY scope
        FOR UPDATE`;
      const windows = {} as Record<SignInLimitScope, LimitWindow>;
      for (const row of rows) {
        const isExpired = row.since.getTime() + windowMs <= now.getTime();
        if (isExpired) this.pending.add(row.scope, row.scope === 'email' ? email : source, row.unreported);
        windows[row.scope] = isExpired
          ? { since: now.getTime(), count: 0, unreported: 0, refused: 0 }
          : { since: row.since.getTime(), count: row.count, unreported: row.unreported, refused: row.refused };
      }
      const blocked = blockingScope(windows.email, windows.source, this.limits);
      const admission = blocked ? refuse(blocked, windows[blocked], windowMs, now.getTime()) : null;
      if (!blocked) {
        windows.email.count += 1;
        windows.source.count += 1;
      }
      for (const [scope, key] of [['email', email], ['source', source]] as const) {
        const w = windows[scope];
        await tx.$executeRaw`
          UPDATE sign_in_windows
          SET since = ${new Date(w.since)}, count = ${w.count}, unreported = ${w.unreported}, refused = ${w.refused}
          WHERE scope = ${scope} AND key = ${key}`;
      }
      return { admission, emailSince: new Date(windows.email.since), sourceSince: new Date(windows.source.since) };
    });
    if (outcome.admission) return outcome.admission;
    let isSettled = false;
    return {
      admitted: true,
      succeeded: async () => {
        if (isSettled) return;
        isSettled = true;
        await this.settle(email, source, outcome.emailSince, outcome.sourceSince);
      },
    };
  }

  async takeReports(): Promise<SignInRefusalReport[]> {
    await this.sweepExpiredWindows();
    return this.pending.take();
  }

  /** A right password: the email's window goes (its unreported refusals to a report), the source's attempt is given back. */
  private async settle(email: string, source: string, emailSince: Date, sourceSince: Date): Promise<void> {
    const dropped = await this.prisma.$queryRaw<Array<{ unreported: number }>>`
      DELETE FROM sign_in_windows WHERE scope = 'email' AND key = ${email} AND since = ${emailSince}
      RETURNING unreported`;
    for (const { unreported } of dropped) this.pending.add('email', email, unreported);
    await this.prisma.$executeRaw`
      UPDATE sign_in_windows SET count = GREATEST(0, count - 1)
      WHERE scope = 'source' AND key = ${source} AND since = ${sourceSince}`;
  }

  /**
   * Deletes windows that have expired, at most once a minute; rows an attempt holds are skipped (it
   * renews them). Their unreported refusals become reports.
   */
  private async sweepExpiredWindows(): Promise<void> {
    const now = Date.now();
    if (now - this.lastSweep < SWEEP_INTERVAL_MS) return;
    this.lastSweep = now;
    const ended = await this.prisma.$queryRaw<Array<{ scope: SignInLimitScope; key: string; unreported: number }>>`
      DELETE FROM sign_in_windows
      WHERE (scope, key) IN (
        SELECT scope, key FROM sign_in_windows
        WHERE since <= clock_timestamp() - make_interval(secs => ${this.limits.windowMs / 1000}::float8)
        FOR UPDATE SKIP LOCKED)
      RETURNING scope, key, unreported`;
    for (const { scope, key, unreported } of ended) this.pending.add(scope, key, unreported);
  }
}
