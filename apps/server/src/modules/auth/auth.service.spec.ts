import type { ApiKeyModel } from '@faceledger/db';
import type { Request, Response } from 'express';
import { describe, expect, it, vi } from 'vitest';
import { generateApiKey, parseApiKeyPrefix } from '../api-keys/api-key-token.js';
import type { ApiKeysRepository } from '../api-keys/api-keys.repository.js';
import { UnitOfWork, type Transaction } from '../../infrastructure/unit-of-work/unit-of-work.js';
import type { NewAuditEntry } from '../audit/audit.repository.js';
import type { UserRecord, UsersRepository } from '../users/users.repository.js';
import { DEFAULT_AUTH_SETTINGS } from './auth-settings.js';
import { AuthService } from './auth.service.js';
import { hashPassword } from './password-hasher.js';
import { SESSION_COOKIE, writeSessionCookie } from './session-cookie.js';
import type { SessionsRepository, SessionWithUser } from './sessions.repository.js';
import { generateSessionToken } from './session-token.js';
import { SignInLimiter } from './sign-in-limiter.js';
import { hashToken } from './token-hash.js';

const NOW = new Date('2026-11-28T12:00:00.000Z');

function user(overrides: Partial<UserRecord> = {}): UserRecord {
  return {
    id: 'u1',
    email: 'ada@example.org',
    passwordHash: '',
    role: 'HR',
    disabled: false,
    createdAt: NOW,
    updatedAt: NOW,
    ...overrides,
  };
}

function makeService(
  options: { user?: UserRecord | null; key?: ApiKeyModel | null; session?: SessionWithUser | null } = {},
) {
  const entries: NewAuditEntry[] = [];
  const tx = {} as Transaction;
  const users = { findByEmail: vi.fn(async () => options.user ?? null) };
  const sessions = {
    create: vi.fn(async () => ({ id: 's1' })),
    deleteStale: vi.fn(async () => 0),
    findByTokenHash: vi.fn(async () => options.session ?? null),
    touch: vi.fn(async () => true),
  };
  const apiKeys = {
    findByPrefix: vi.fn(async () => options.key ?? null),
    recordUse: vi.fn(async () => undefined),
  };
  // The real UnitOfWork; its fake transactions may run side by side (parallel sign-ins).
  const uow = new UnitOfWork(
    { $transaction: async (work: (t: Transaction) => Promise<unknown>) => work(tx) } as never,
    { append: async (_tx, entry) => entries.push(entry) },
    { publish: async () => undefined },
  );
  const service = new AuthService(
    users as unknown as UsersRepository,
    sessions as unknown as SessionsRepository,
    apiKeys as unknown as ApiKeysRepository,
    uow,
    DEFAULT_AUTH_SETTINGS,
    new SignInLimiter({ maxFailures: 2, windowMs: 60_000 }, () => NOW.getTime()),
    () => NOW,
  );
  return { service, users, sessions, apiKeys, entries };
}

function keyRow(key: string, overrides: Partial<ApiKeyModel> = {}): ApiKeyModel {
  return {
    id: 'k1',
    name: 'door',
    prefix: parseApiKeyPrefix(key) ?? '',
    secretHash: hashToken(key),
    scopes: ['identify', 'bogus'],
    galleryId: 'g1',
    createdById: 'u1',
    createdAt: NOW,
    lastUsedAt: null,
    revokedAt: null,
    ...overrides,
  };
}

describe('AuthService.signIn', () => {
  it('opens a session storing only the token hash, with the configured lifetime, and audits it', async () => {
    const { service, sessions, entries } = makeService({
      user: user({ passwordHash: await hashPassword('right password!') }),
    });
    const result = await service.signIn(' ADA@example.org ', 'right password!', '192.0.2.1');
    expect(result.expiresAt).toEqual(new Date(NOW.getTime() + DEFAULT_AUTH_SETTINGS.sessionTtlMs));
    expect(sessions.create).toHaveBeenCalledWith(expect.anything(), {
      tokenHash: hashToken(result.sessionToken),
      userId: 'u1',
      expiresAt: result.expiresAt,
    });
    expect(entries).toEqual([
      {
        actor: 'user:u1',
        action: 'auth.signIn',
        subject: 'user:u1',
        payload: { sessionId: 's1', expiresAt: result.expiresAt.toISOString() },
      },
    ]);
  });

  it('rate-limits after repeated failures without checking the password again', async () => {
    const { service, users, entries } = makeService({
      user: user({ passwordHash: await hashPassword('right password!') }),
    });
    for (let i = 0; i < 2; i += 1) {
      await expect(service.signIn('ada@example.org', 'wrong', '192.0.2.1')).rejects.toMatchObject({
        code: 'UNAUTHENTICATED',
      });
    }
    await expect(service.signIn('ada@example.org', 'right password!', '192.0.2.2')).rejects.toMatchObject({
      code: 'RATE_LIMITED',
      details: { retryAfterSeconds: 60 },
    });
    expect(users.findByEmail).toHaveBeenCalledTimes(2);
    expect(entries.map((e) => e.payload.reason)).toEqual([
      'wrong_password',
      'wrong_password',
      'rate_limited',
    ]);
  });

  it('counts parallel attempts before checking any password, and audits the refusals as one row', async () => {
    const { service, users, entries } = makeService({
      user: user({ passwordHash: await hashPassword('right password!') }),
    });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 40 }, () => service.signIn('ada@example.org', 'wrong', '192.0.2.1')),
    );
    const codes = outcomes.map((o) => (o.status === 'rejected' ? (o.reason as { code: string }).code : 'OK'));
    expect(codes.filter((c) => c === 'UNAUTHENTICATED')).toHaveLength(2);
    expect(codes.filter((c) => c === 'RATE_LIMITED')).toHaveLength(38);
    expect(users.findByEmail).toHaveBeenCalledTimes(2);
    expect(entries.map((e) => [e.payload.reason, e.payload.refused])).toEqual([
      ['rate_limited', 1],
      ['wrong_password', undefined],
      ['wrong_password', undefined],
    ]);
  });

  it('refuses an email longer than any account can have before it reaches the limiter', async () => {
    const limiter = new SignInLimiter();
    const service = new AuthService(
      {} as UsersRepository,
      {} as SessionsRepository,
      {} as ApiKeysRepository,
      {} as UnitOfWork,
      DEFAULT_AUTH_SETTINGS,
      limiter,
    );
    await expect(service.signIn(`${'a'.repeat(250)}@example.org`, 'x', '192.0.2.1')).rejects.toMatchObject({
      code: 'BAD_INPUT',
      details: { field: 'email' },
    });
    expect(limiter.size).toEqual({ email: 0, source: 0 });
  });
});

describe('AuthService.authenticate', () => {
  it('is anonymous without credentials', async () => {
    const { service } = makeService();
    await expect(
      service.authenticate({ authorization: undefined, sessionToken: undefined }),
    ).resolves.toEqual({
      actor: { kind: 'anonymous' },
    });
  });

  it('resolves an API key, keeping only known scopes, and writes lastUsedAt at most once a minute', async () => {
    const { key } = generateApiKey();
    const fresh = makeService({ key: keyRow(key) });
    const { actor } = await fresh.service.authenticate({
      authorization: `bearer  ${key}`,
      sessionToken: 'ignored',
    });
    expect(actor).toEqual({
      kind: 'apiKey',
      keyId: 'k1',
      scopes: ['identify'],
      galleryId: 'g1',
      createdById: 'u1',
    });
    expect(fresh.apiKeys.recordUse).toHaveBeenCalledWith('k1', NOW, new Date(NOW.getTime() - 60_000));

    const recent = makeService({ key: keyRow(key, { lastUsedAt: new Date(NOW.getTime() - 30_000) }) });
    await recent.service.authenticate({ authorization: `Bearer ${key}`, sessionToken: undefined });
    expect(recent.apiKeys.recordUse).not.toHaveBeenCalled();
  });

  it('does not look up keys that do not have the key format', async () => {
    const { service, apiKeys } = makeService();
    await expect(
      service.authenticate({ authorization: 'Bearer abc', sessionToken: undefined }),
    ).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
    expect(apiKeys.findByPrefix).not.toHaveBeenCalled();
  });

  it('renews a session only after a minute of silence, and drops sessions of disabled users', async () => {
    const token = generateSessionToken();
    const session = (lastSeenAt: Date, disabled = false): SessionWithUser => ({
      id: 's1',
      tokenHash: hashToken(token),
      userId: 'u1',
      createdAt: NOW,
      expiresAt: new Date(NOW.getTime() + 1000),
      lastSeenAt,
      revokedAt: null,
      user: user({ disabled }),
    });
    const quiet = makeService({ session: session(new Date(NOW.getTime() - 120_000)) });
    const renewed = await quiet.service.authenticate({ authorization: undefined, sessionToken: token });
    expect(renewed.actor).toEqual({ kind: 'user', userId: 'u1', email: 'ada@example.org', role: 'HR' });
    expect(renewed.renewedSession?.expiresAt).toEqual(
      new Date(NOW.getTime() + DEFAULT_AUTH_SETTINGS.sessionTtlMs),
    );

    const busy = makeService({ session: session(new Date(NOW.getTime() - 10_000)) });
    const same = await busy.service.authenticate({ authorization: undefined, sessionToken: token });
    expect(same.renewedSession).toBeUndefined();
    expect(busy.sessions.touch).not.toHaveBeenCalled();

    const disabled = makeService({ session: session(NOW, true) });
    await expect(
      disabled.service.authenticate({ authorization: undefined, sessionToken: token }),
    ).resolves.toEqual({
      actor: { kind: 'anonymous' },
      clearSession: true,
    });
    const junk = makeService();
    await expect(
      junk.service.authenticate({ authorization: undefined, sessionToken: 'x' }),
    ).resolves.toMatchObject({
      clearSession: true,
    });
    expect(junk.sessions.findByTokenHash).not.toHaveBeenCalled();
  });
});

describe('the session cookie', () => {
  function cookieFor(secure: boolean, setting: 'auto' | 'always' | 'never'): string {
    const res = { cookie: vi.fn() };
    writeSessionCookie(
      { secure } as Request,
      res as unknown as Response,
      { ...DEFAULT_AUTH_SETTINGS, secureCookies: setting },
      't',
      NOW,
    );
    const [name, value, options] = res.cookie.mock.calls[0] as [
      string,
      string,
      { secure: boolean; httpOnly: boolean; sameSite: string },
    ];
    expect([name, value, options.httpOnly, options.sameSite]).toEqual([SESSION_COOKIE, 't', true, 'lax']);
    return options.secure ? 'secure' : 'plain';
  }

  it('is Secure over https in auto mode, and as configured otherwise', () => {
    expect(cookieFor(true, 'auto')).toBe('secure');
    expect(cookieFor(false, 'auto')).toBe('plain');
    expect(cookieFor(false, 'always')).toBe('secure');
    expect(cookieFor(true, 'never')).toBe('plain');
  });
});
