// Slows password guessing. Each sign-in attempt is counted when it begins, before its password is
// checked and in one synchronous step, so attempts sent in parallel cannot all pass the check: an
// email may have maxFailures attempts within a window, and one source address maxSourceFailures
// across all emails. A success gives its attempt back (and clears its email's count). Refused
// attempts are counted too and handed out as a few aggregated reports, so the caller can audit them
// without one ledger row each. SignInLimiter keeps the windows in memory, for one process (PGlite),
// with at most maxEntries windows per kind; PostgresSignInLimiter keeps them in PostgreSQL, so every
// server process on one database counts against the same windows.

/** How many attempts an email and a source may make, over how long, and how much is remembered. */
export interface SignInLimits {
  /** Attempts one email may make within the window (failed, or still being checked). */
  maxFailures: number;
  /** Attempts one source address may make within the window, across all emails. */
  maxSourceFailures: number;
  windowMs: number;
  /** Windows kept per kind (emails, sources); past it expired ones are swept, then the oldest dropped. */
  maxEntries: number;
}

export const DEFAULT_SIGN_IN_LIMITS: Readonly<SignInLimits> = Object.freeze({
  maxFailures: 10,
  maxSourceFailures: 50,
  windowMs: 15 * 60 * 1000,
  maxEntries: 10_000,
});

/** A refused attempt is reported at once when it is the first of its lockout, then once per this many. */
export const REFUSALS_PER_REPORT = 100;

/** Reports waiting for takeReports(); past it, further ones are folded into one per kind. */
const MAX_PENDING_REPORTS = 1000;

/** Which limit refused an attempt. */
export type SignInLimitScope = 'email' | 'source';

/** Refused attempts not yet reported: `key` is the email or the source (null: folded together). */
export interface SignInRefusalReport {
  scope: SignInLimitScope;
  key: string | null;
  refused: number;
}

/** The answer of begin(): go on and check the password, or refuse. */
export type SignInAdmission =
  | {
      admitted: true;
      /** Call when the password was right: the attempt is given back and the email's count cleared. */
      succeeded(): void | Promise<void>;
    }
  | {
      admitted: false;
      scope: SignInLimitScope;
      retryAfterSeconds: number;
      /** Refusals of this lockout to audit now (this one included); 0 when they wait for a later report. */
      report: number;
    };

/** Where the windows live; every implementation answers as SignInLimiter below. */
export interface SignInLimitStore {
  /** Counts an attempt of `email` from `source`, or refuses it when either is over its limit. */
  begin(email: string, source: string): SignInAdmission | Promise<SignInAdmission>;
  /** Refusals of lockouts that ended (or were forgotten) before they were all reported; empties the list. */
  takeReports(): SignInRefusalReport[] | Promise<SignInRefusalReport[]>;
}

/** One window's counts, wherever it is kept. */
export interface LimitWindow {
  since: number;
  count: number;
  /** Refusals since the last report. */
  unreported: number;
  /** Refusals in this window, reported or not. */
  refused: number;
}

/** Which limit refuses the next attempt, given the email's and the source's windows; null: none. */
export function blockingScope(
  byEmail: LimitWindow,
  bySource: LimitWindow,
  limits: SignInLimits,
): SignInLimitScope | null {
  if (byEmail.count >= limits.maxFailures) return 'email';
  if (bySource.count >= limits.maxSourceFailures) return 'source';
  return null;
}

/**
 * Counts one refusal in `window` (changing it) and answers the refusal: the first of a lockout is
 * reported at once, then one report per REFUSALS_PER_REPORT.
 */
export function refuse(
  scope: SignInLimitScope,
  window: LimitWindow,
  windowMs: number,
  now: number,
): Extract<SignInAdmission, { admitted: false }> {
  window.refused += 1;
  window.unreported += 1;
  let report = 0;
  if (window.refused === 1 || window.unreported >= REFUSALS_PER_REPORT) {
    report = window.unreported;
    window.unreported = 0;
  }
  const retryAfterSeconds = Math.max(1, Math.ceil((window.since + windowMs - now) / 1000));
  return { admitted: false, scope, retryAfterSeconds, report };
}

/** Unreported refusals of ended windows, waiting for takeReports(); past a cap folded into one per kind. */
export class PendingRefusalReports {
  private readonly pending = new Map<string, SignInRefusalReport>();

  add(scope: SignInLimitScope, key: string, refused: number): void {
    if (refused === 0) return;
    const id = `${scope}:${key}`;
    const report = this.pending.get(id);
    if (report) report.refused += refused;
    else if (this.pending.size < MAX_PENDING_REPORTS) this.pending.set(id, { scope, key, refused });
    else {
      const folded = this.pending.get(`${scope}\u0000`) ?? { scope, key: null, refused: 0 };
      folded.refused += refused;
      this.pending.set(`${scope}\u0000`, folded);
    }
  }

  take(): SignInRefusalReport[] {
    const reports = [...this.pending.values()];
    this.pending.clear();
    return reports;
  }
}

/** The windows in this process's memory: the store of a single process (PGlite). */
export class SignInLimiter implements SignInLimitStore {
  private readonly limits: SignInLimits;
  private readonly windows: Record<SignInLimitScope, Map<string, LimitWindow>> = {
    email: new Map(),
    source: new Map(),
  };
  private readonly pending = new PendingRefusalReports();

  constructor(
    limits: Partial<SignInLimits> = {},
    private readonly now: () => number = Date.now,
  ) {
    this.limits = { ...DEFAULT_SIGN_IN_LIMITS, ...limits };
  }

  /** Counts an attempt of `email` from `source`, or refuses it when either is over its limit. */
  begin(email: string, source: string): SignInAdmission {
    const now = this.now();
    const byEmail = this.current('email', email, now);
    const bySource = this.current('source', source, now);
    const blocked = blockingScope(byEmail, bySource, this.limits);
    if (blocked) return refuse(blocked, blocked === 'email' ? byEmail : bySource, this.limits.windowMs, now);
    byEmail.count += 1;
    bySource.count += 1;
    let isSettled = false;
    return {
      admitted: true,
      succeeded: () => {
        if (isSettled) return;
        isSettled = true;
        if (this.windows.email.get(email) === byEmail) this.drop('email', email, byEmail);
        if (this.windows.source.get(source) === bySource) bySource.count = Math.max(0, bySource.count - 1);
      },
    };
  }

  /** Refusals of lockouts that ended (or were forgotten) before they were all reported; empties the list. */
  takeReports(): SignInRefusalReport[] {
    return this.pending.take();
  }

  /** Windows held in memory per kind (for tests of the cap). */
  get size(): Record<SignInLimitScope, number> {
    return { email: this.windows.email.size, source: this.windows.source.size };
  }

  /** The live window of `key`, made (within the cap) when there is none or it has expired. */
  private current(scope: SignInLimitScope, key: string, now: number): LimitWindow {
    const windows = this.windows[scope];
    const existing = windows.get(key);
    if (existing && existing.since + this.limits.windowMs > now) return existing;
    if (existing) this.drop(scope, key, existing);
    if (windows.size >= this.limits.maxEntries) this.makeRoom(scope, now);
    const fresh: LimitWindow = { since: now, count: 0, unreported: 0, refused: 0 };
    windows.set(key, fresh);
    return fresh;
  }

  /** Sweeps expired windows; when none was, drops the oldest (Map order is the order windows began). */
  private makeRoom(scope: SignInLimitScope, now: number): void {
    const windows = this.windows[scope];
    for (const [key, window] of windows) {
      if (window.since + this.limits.windowMs <= now) this.drop(scope, key, window);
    }
    for (const [key, window] of windows) {
      if (windows.size < this.limits.maxEntries) break;
      this.drop(scope, key, window);
    }
  }

  private drop(scope: SignInLimitScope, key: string, window: LimitWindow): void {
    this.windows[scope].delete(key);
    this.pending.add(scope, key, window.unreported);
  }
}
