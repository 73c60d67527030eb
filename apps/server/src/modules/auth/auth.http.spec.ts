import { TEST_DATABASE_MODES } from '@faceledger/db/testing';
import { describe, expect, it } from 'vitest';
import {
  adminHeaders,
  createUser,
  createUserAndSignIn,
  sessionCookieOf,
  signIn,
  TEST_PASSWORD,
} from '../../../test/auth-helpers.js';
import { useTestServer, type TestServer } from '../../../test/test-server.js';
import { SESSION_COOKIE } from './session-cookie.js';

const SIGN_IN =
  'mutation ($email: String!, $password: String!) { signIn(email: $email, password: $password) { id email role } }';
const VIEWER = '{ viewer { user { id email role disabled } apiKey { id } } }';

async function postGraphQL(
  server: TestServer,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
) {
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as {
    data?: Record<string, unknown> | null;
    errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
  };
  return { response, body };
}

/** Every audit entry as text, to check that no secret reached the ledger. */
async function ledgerText(server: TestServer): Promise<string> {
  const entries = await server.db.prisma.auditEntry.findMany();
  return JSON.stringify(entries, (_key, value: unknown) =>
    typeof value === 'bigint' ? value.toString() : value,
  );
}

describe.each(TEST_DATABASE_MODES)('sign-in and sessions over HTTP on %s', (mode) => {
  let server: TestServer;
  useTestServer(mode, (started) => (server = started));

  it('signs in with an HTTP-only SameSite=Lax cookie, knows the viewer, and signs out', async () => {
    const user = await createUser(server, 'REVIEWER', { email: `Mixed.Case-${mode}@Example.org` });
    const { response, body } = await postGraphQL(server, SIGN_IN, {
      email: `  ${user.email.toUpperCase()} `,
      password: user.password,
    });
    expect(body.errors).toBeUndefined();
    expect(body.data?.signIn).toEqual({ id: user.id, email: user.email.toLowerCase(), role: 'REVIEWER' });
    const setCookie = response.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`)) ?? '';
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).toMatch(/Expires=/i);
    expect(setCookie).not.toMatch(/Secure/i);
    const cookie = sessionCookieOf(response) ?? '';

    const token = cookie.split('=')[1] ?? '';
    const stored = await server.db.prisma.session.findFirstOrThrow({ where: { userId: user.id } });
    expect(stored.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored.tokenHash).not.toContain(token);

    const viewer = await server.graphql(VIEWER, {}, { cookie });
    expect(viewer.data).toEqual({
      viewer: {
        user: { id: user.id, email: user.email.toLowerCase(), role: 'REVIEWER', disabled: false },
        apiKey: null,
      },
    });

    const out = await postGraphQL(server, 'mutation { signOut }', {}, { cookie });
    expect(out.body.data).toEqual({ signOut: true });
    expect(out.response.headers.getSetCookie().join()).toMatch(new RegExp(`${SESSION_COOKIE}=;`));
    expect((await server.graphql(VIEWER, {}, { cookie })).data).toEqual({ viewer: null });
    expect((await server.graphql('mutation { signOut }', {}, { cookie })).data).toEqual({ signOut: false });

    const entries = await server.db.prisma.auditEntry.findMany({
      where: { subject: `user:${user.id}` },
      orderBy: { seq: 'asc' },
    });
    expect(entries.map((e) => e.action)).toEqual(['auth.signIn', 'auth.signOut']);
    expect(entries[0]?.actor).toBe(`user:${user.id}`);
    const ledger = await ledgerText(server);
    expect(ledger).not.toContain(TEST_PASSWORD);
    expect(ledger).not.toContain(token);
    expect(ledger).not.toContain('$argon2');
  });

  it('answers a wrong password and an unknown email alike, without saying which part was wrong', async () => {
    const user = await createUser(server, 'HR');
    const wrongPassword = await postGraphQL(server, SIGN_IN, {
      email: user.email,
      password: 'not the password at all',
    });
    const unknownEmail = await postGraphQL(server, SIGN_IN, {
      email: `nobody-${mode}@example.org`,
      password: user.password,
    });
    for (const { response, body } of [wrongPassword, unknownEmail]) {
      expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(sessionCookieOf(response)).toBeNull();
    }
    expect(wrongPassword.body.errors?.[0]?.message).toBe(unknownEmail.body.errors?.[0]?.message);
    expect(wrongPassword.body.errors?.[0]?.message).toMatch(/email or the password/);

    const failures = await server.db.prisma.auditEntry.findMany({
      where: { action: 'auth.signInFailed' },
      orderBy: { seq: 'asc' },
    });
    expect(failures.map((f) => [f.actor, f.subject, f.payload])).toEqual([
      ['anonymous', `user:${user.id}`, { email: user.email, reason: 'wrong_password' }],
      [
        'anonymous',
        `email:nobody-${mode}@example.org`,
        { email: `nobody-${mode}@example.org`, reason: 'unknown_email' },
      ],
    ]);
    expect(await ledgerText(server)).not.toContain('not the password at all');
  });

  it('refuses a disabled user, and disabling a user ends their sessions', async () => {
    const disabled = await createUser(server, 'AUDITOR', { disabled: true });
    const refused = await postGraphQL(server, SIGN_IN, {
      email: disabled.email,
      password: disabled.password,
    });
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(refused.body.errors?.[0]?.message).toMatch(/disabled/);
    expect(sessionCookieOf(refused.response)).toBeNull();

    const user = await createUser(server, 'AUDITOR');
    const cookie = await signIn(server, user.email, user.password);
    const update = await server.graphql(
      'mutation ($id: ID!) { updateUser(id: $id, input: { disabled: true }) { disabled } }',
      { id: user.id },
      await adminHeaders(server),
    );
    expect(update.data).toEqual({ updateUser: { disabled: true } });
    expect((await server.graphql(VIEWER, {}, cookie)).data).toEqual({ viewer: null });
  });

  it('locks an email after ten failed sign-ins, even for the right password, but not other emails', async () => {
    const user = await createUser(server, 'HR');
    for (let i = 0; i < 10; i += 1) {
      const { body } = await postGraphQL(server, SIGN_IN, {
        email: user.email,
        password: `wrong password ${i}`,
      });
      expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
    const locked = await postGraphQL(server, SIGN_IN, { email: user.email, password: user.password });
    expect(locked.body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    expect(locked.body.errors?.[0]?.extensions?.retryAfterSeconds).toBeGreaterThan(0);
    expect(sessionCookieOf(locked.response)).toBeNull();
    await expect(createUserAndSignIn(server, 'HR')).resolves.toHaveProperty('cookie');
  });

  it("blocks cross-site 'simple' requests that would carry the cookie (Apollo's CSRF prevention)", async () => {
    const cookie = await createUserAndSignIn(server, 'ADMIN');
    const form = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', ...cookie },
      body: JSON.stringify({ query: 'mutation { signOut }' }),
    });
    expect(form.status).toBe(400);
    expect(await form.text()).toMatch(/Cross-Site Request Forgery/);
    const get = await fetch(`${server.url}/graphql?query=${encodeURIComponent('{ users { id } }')}`, {
      headers: cookie,
    });
    expect(get.status).toBe(400);
    expect((await server.graphql(VIEWER, {}, cookie)).data?.viewer).not.toBeNull();
  });

  it("deletes a user's sessions that ended over a week ago when they sign in again", async () => {
    const user = await createUser(server, 'HR');
    const longAgo = new Date(Date.now() - 8 * 24 * 60 * 60_000);
    const recently = new Date(Date.now() - 60_000);
    await server.db.prisma.session.createMany({
      data: [
        { tokenHash: 'a'.repeat(64), userId: user.id, expiresAt: longAgo },
        {
          tokenHash: 'b'.repeat(64),
          userId: user.id,
          expiresAt: new Date(Date.now() + 60_000),
          revokedAt: longAgo,
        },
        { tokenHash: 'c'.repeat(64), userId: user.id, expiresAt: recently },
      ],
    });
    await signIn(server, user.email, user.password);
    const left = await server.db.prisma.session.findMany({
      where: { userId: user.id },
      select: { tokenHash: true },
    });
    const hashes = left.map((s) => s.tokenHash);
    expect(hashes).toContain('c'.repeat(64));
    expect(hashes).not.toContain('a'.repeat(64));
    expect(hashes).not.toContain('b'.repeat(64));
    expect(left).toHaveLength(2);
  });

  it('treats an expired session as signed out and clears its cookie', async () => {
    const user = await createUser(server, 'REVIEWER');
    const cookie = await signIn(server, user.email, user.password);
    await server.db.prisma.session.updateMany({
      where: { userId: user.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const { response, body } = await postGraphQL(server, VIEWER, {}, cookie);
    expect(body.data).toEqual({ viewer: null });
    expect(response.headers.getSetCookie().join()).toMatch(new RegExp(`${SESSION_COOKIE}=;`));
  });

  it('slides a session forward when it is used after a while, renewing the cookie', async () => {
    const user = await createUser(server, 'REVIEWER');
    const cookie = await signIn(server, user.email, user.password);
    const old = new Date(Date.now() - 5 * 60_000);
    await server.db.prisma.session.updateMany({
      where: { userId: user.id },
      data: { lastSeenAt: old, expiresAt: new Date(Date.now() + 60_000) },
    });
    const { response, body } = await postGraphQL(server, VIEWER, {}, cookie);
    expect(body.data?.viewer).not.toBeNull();
    expect(sessionCookieOf(response)).toBe(cookie.cookie);
    const session = await server.db.prisma.session.findFirstOrThrow({ where: { userId: user.id } });
    expect(session.expiresAt.getTime()).toBeGreaterThan(Date.now() + 11 * 60 * 60_000);
    expect(session.lastSeenAt.getTime()).toBeGreaterThan(old.getTime());
  });
});
