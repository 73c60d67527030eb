// Signs users in and out, and tells who is calling from a session token or an API key.
import { ApiKeyRateLimiter, type ApiKeyRateLimitStore } from './api-key-rate-limiter.js';
import { AppError, ErrorCode } from '../../shared/app-error.js';
import { parseApiKeyPrefix } from '../api-keys/api-key-token.js';
import type { ApiKeysRepository } from '../api-keys/api-keys.repository.js';
import type { UnitOfWork } from '../../infrastructure/unit-of-work/unit-of-work.js';
import type { NewAuditEntry } from '../audit/audit.repository.js';
import type { UserRecord, UsersRepository } from '../users/users.repository.js';
import { API_KEY_SCOPES, actorRef, type Actor, type ApiKeyScope } from './actor.js';
import type { AuthSettings } from './auth-settings.js';
import { verifyPassword } from './password-hasher.js';
import type { SessionsRepository } from './sessions.repository.js';
import { generateSessionToken, isWellFormedSessionToken } from './session-token.js';
import { SignInLimiter, type SignInLimitStore } from './sign-in-limiter.js';
import { hashToken, isSameTokenHash } from './token-hash.js';

/** Sessions and keys record their use at most this often, so a busy client does not write per request. */
const TOUCH_INTERVAL_MS = 60_000;
/** Ended sessions are deleted at the user's next sign-in once they are this old. */
const STALE_SESSION_MS = 7 * 24 * 60 * 60 * 1000;

/** A new session for a user who signed in; the token goes into the cookie and nowhere else. */
export interface SignInResult {
  user: UserRecord;
  sessionToken: string;
  expiresAt: Date;
}

/** What a request brought to prove who it is. */
export interface Credentials {
  /** The raw Authorization header, when present. */
  authorization: string | undefined;
  /** The session cookie's value, when present. */
  sessionToken: string | undefined;
}

/** Who is calling, and what the HTTP layer should do with the session cookie. */
export interface Authentication {
  actor: Actor;
  /** Set the cookie again with this expiry (the session slid forward). */
  renewedSession?: { token: string; expiresAt: Date };
  /** The cookie names no live session: clear it. */
  clearSession?: boolean;
}

/** Longest email a user can have (users.service.ts), checked before the email reaches the limiter. */
const MAX_EMAIL_LENGTH = 254;

const WRONG_CREDENTIALS =
  'The email or the password is not right. Check both and try again; an admin can reset a forgotten password.';

export class AuthService {
  constructor(
    private readonly users: UsersRepository,
    private readonly sessions: SessionsRepository,
    private readonly apiKeys: ApiKeysRepository,
    private readonly uow: Pick<UnitOfWork, 'transaction'>,
    readonly settings: AuthSettings,
    private readonly limiter: SignInLimitStore = new SignInLimiter(settings.signInLimits),
    private readonly now: () => Date = () => new Date(),
    private readonly rateLimiter: ApiKeyRateLimitStore = new ApiKeyRateLimiter(settings.apiKeyRateLimits),
  ) {}

  /**
   * Checks the password and opens a session. The attempt is counted against the email's and the
   * source's limits before the password is hashed; every checked attempt is audited, refused ones
   * in aggregate (the first refusal of a lockout, then one row per REFUSALS_PER_REPORT).
   * `source` is the caller's address (signInSource()), never written to the ledger.
   */
  async signIn(rawEmail: string, password: string, source: string): Promise<SignInResult> {
    const email = rawEmail.trim().toLowerCase();
    if (email.length > MAX_EMAIL_LENGTH) {
      throw new AppError(
        ErrorCode.BAD_INPUT,
        `An email has at most ${MAX_EMAIL_LENGTH} characters; check what was typed in the email field.`,
        { field: 'email' },
      );
    }
    const admission = await this.limiter.begin(email, source);
    await this.auditEndedLockouts();
    if (!admission.admitted) {
      if (admission.report > 0) {
        await this.auditFailure(email, null, 'rate_limited', {
          limit: admission.scope,
          refused: admission.report,
        });
      }
      const { retryAfterSeconds } = admission;
      const wait = `Wait ${Math.ceil(retryAfterSeconds / 60)} minutes and try again`;
      throw new AppError(
        ErrorCode.RATE_LIMITED,
        admission.scope === 'email'
          ? `Too many failed sign-ins for this email. ${wait}, or ask an admin to reset the password.`
          : `Too many failed sign-ins from this address. ${wait}.`,
        { retryAfterSeconds },
      );
    }
    const user = await this.users.findByEmail(email);
    const isPasswordRight = await verifyPassword(user?.passwordHash ?? null, password);
    if (!user || !isPasswordRight) {
      await this.auditFailure(email, user, user ? 'wrong_password' : 'unknown_email');
      throw new AppError(ErrorCode.UNAUTHENTICATED, WRONG_CREDENTIALS);
    }
    if (user.disabled) {
      await this.auditFailure(email, user, 'disabled');
      throw new AppError(
        ErrorCode.UNAUTHENTICATED,
        'This account is disabled. Ask an admin to enable it again.',
      );
    }
    await admission.succeeded();
    const sessionToken = generateSessionToken();
    const expiresAt = new Date(this.now().getTime() + this.settings.sessionTtlMs);
    await this.uow.transaction(async (tx) => {
      await this.sessions.deleteStale(tx.db, user.id, new Date(this.now().getTime() - STALE_SESSION_MS));
      const session = await this.sessions.create(tx.db, {
        tokenHash: hashToken(sessionToken),
        userId: user.id,
        expiresAt,
      });
      await tx.audit({
        actor: `user:${user.id}`,
        action: 'auth.signIn',
        subject: `user:${user.id}`,
        payload: { sessionId: session.id, expiresAt: expiresAt.toISOString() },
      });
    });
    return { user, sessionToken, expiresAt };
  }

  /** Revokes the session of `sessionToken`; false when there was no live one. */
  async signOut(actor: Actor, sessionToken: string | undefined): Promise<boolean> {
    if (!sessionToken || !isWellFormedSessionToken(sessionToken)) return false;
    const session = await this.sessions.findByTokenHash(hashToken(sessionToken));
    if (!session || session.revokedAt) return false;
    return this.uow.transaction(async (tx) => {
      const revoked = await this.sessions.revoke(tx.db, session.id, this.now());
      await tx.audit({
        actor: actor.kind === 'anonymous' ? `user:${session.userId}` : actorRef(actor),
        action: 'auth.signOut',
        subject: `user:${session.userId}`,
        payload: { sessionId: session.id },
      });
      return revoked;
    });
  }

  /**
   * Resolves the caller: a Bearer API key wins over a session cookie. A bad key is an error (the
   * integrator must fix it); a stale cookie is only cleared, so the browser can sign in again.
   * Each call counts against an API key's rate limit unless `countRequest` is false (the periodic
   * re-check of an open WebSocket is the server's own doing, not a request of the key's).
   */
  async authenticate(
    credentials: Credentials,
    { countRequest = true }: { countRequest?: boolean } = {},
  ): Promise<Authentication> {
    if (credentials.authorization !== undefined) {
      const actor = await this.authenticateApiKey(credentials.authorization);
      if (actor.kind === 'apiKey' && countRequest) {
        const retryAfterSeconds = await this.rateLimiter.take(actor.keyId);
        if (retryAfterSeconds > 0) {
          throw new AppError(
            ErrorCode.RATE_LIMITED,
            `This API key sent more than ${this.settings.apiKeyRateLimits.perMinute} requests a minute. Wait ${retryAfterSeconds} s and retry, or spread the load over time.`,
            { retryAfterSeconds },
          );
        }
      }
      return { actor };
    }
    if (credentials.sessionToken !== undefined) return this.authenticateSession(credentials.sessionToken);
    return { actor: { kind: 'anonymous' } };
  }

  private async authenticateApiKey(authorization: string): Promise<Actor> {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match?.[1]) {
      throw new AppError(
        ErrorCode.UNAUTHENTICATED,
        'The Authorization header must be "Bearer <API key>", with a key such as fl_0123456789ab_… from an admin.',
      );
    }
    const key = match[1];
    const prefix = parseApiKeyPrefix(key);
    const record = prefix === null ? null : await this.apiKeys.findByPrefix(prefix);
    if (!record || !isSameTokenHash(record.secretHash, hashToken(key))) {
      throw new AppError(
        ErrorCode.UNAUTHENTICATED,
        'This API key is not valid. Check that the whole key was copied, or ask an admin for a new one.',
      );
    }
    if (record.revokedAt) {
      throw new AppError(
        ErrorCode.UNAUTHENTICATED,
        `This API key (${record.prefix}) was revoked on ${record.revokedAt.toISOString()}. Ask an admin for a new one.`,
      );
    }
    if (record.createdBy?.disabled) {
      throw new AppError(
        ErrorCode.UNAUTHENTICATED,
        `This API key (${record.prefix}) was made by a user who is now disabled. Ask an admin to enable that user again or to make you a new key.`,
      );
    }
    const now = this.now();
    if (!record.lastUsedAt || now.getTime() - record.lastUsedAt.getTime() >= TOUCH_INTERVAL_MS) {
      await this.apiKeys.recordUse(record.id, now, new Date(now.getTime() - TOUCH_INTERVAL_MS));
    }
    return {
      kind: 'apiKey',
      keyId: record.id,
      scopes: record.scopes.filter((s): s is ApiKeyScope =>
        (API_KEY_SCOPES as readonly string[]).includes(s),
      ),
      galleryId: record.galleryId,
      createdById: record.createdById,
    };
  }

  private async authenticateSession(token: string): Promise<Authentication> {
    if (!isWellFormedSessionToken(token)) return { actor: { kind: 'anonymous' }, clearSession: true };
    const session = await this.sessions.findByTokenHash(hashToken(token));
    const now = this.now();
    if (!session || session.revokedAt || session.expiresAt <= now || session.user.disabled) {
      return { actor: { kind: 'anonymous' }, clearSession: true };
    }
    const { user } = session;
    const actor: Actor = { kind: 'user', userId: user.id, email: user.email, role: user.role };
    if (now.getTime() - session.lastSeenAt.getTime() < TOUCH_INTERVAL_MS) return { actor };
    const expiresAt = new Date(now.getTime() + this.settings.sessionTtlMs);
    if (!(await this.sessions.touch(session.id, now, expiresAt))) {
      return { actor: { kind: 'anonymous' }, clearSession: true };
    }
    return { actor, renewedSession: { token, expiresAt } };
  }

  private async auditFailure(
    email: string,
    user: UserRecord | null,
    reason: string,
    details: Record<string, string | number> = {},
  ): Promise<void> {
    await this.appendOnly({
      actor: 'anonymous',
      action: 'auth.signInFailed',
      subject: user ? `user:${user.id}` : `email:${email}`,
      payload: { email, reason, ...details },
    });
  }

  /** One row per lockout that ended with refusals not yet audited (the source itself is not written). */
  private async auditEndedLockouts(): Promise<void> {
    for (const report of await this.limiter.takeReports()) {
      await this.appendOnly({
        actor: 'anonymous',
        action: 'auth.signInFailed',
        subject: report.scope === 'email' && report.key !== null ? `email:${report.key}` : 'auth:signIn',
        payload: {
          ...(report.scope === 'email' && report.key !== null ? { email: report.key } : {}),
          reason: 'rate_limited',
          limit: report.scope,
          refused: report.refused,
        },
      });
    }
  }

  /** A ledger entry that records an attempt and changes nothing else. */
  private async appendOnly(entry: NewAuditEntry): Promise<void> {
    await this.uow.transaction((tx) => tx.audit(entry));
  }
}
