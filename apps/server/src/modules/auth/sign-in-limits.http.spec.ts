import { TEST_DATABASE_MODES } from '@faceledger/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../../test/auth-helpers.js';
import { startTestServer, type TestServer } from '../../../test/test-server.js';

const SIGN_IN =
  'mutation ($email: String!, $password: String!) { signIn(email: $email, password: $password) { id } }';

/** The error code of one sign-in (OK when it succeeded), sent as if from `source` through the admin's proxy. */
async function signInCode(
  server: TestServer,
  email: string,
  password: string,
  source: string,
): Promise<string> {
  const body = await server.graphql(SIGN_IN, { email, password }, { 'x-forwarded-for': source });
  return body.errors?.[0]?.extensions?.code ?? 'OK';
}

async function failuresOf(server: TestServer, email: string) {
  const rows = await server.db.prisma.auditEntry.findMany({
    where: { action: 'auth.signInFailed' },
    orderBy: { seq: 'asc' },
  });
  return rows
    .map((row) => row.payload as { email?: string; reason: string; limit?: string; refused?: number })
    .filter((payload) => payload.email === email);
}

describe.each(TEST_DATABASE_MODES)('sign-in limits over HTTP on %s', (mode) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(mode, {
      auth: { signInLimits: { maxFailures: 10, maxSourceFailures: 25 } },
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('checks at most ten of 40 parallel sign-ins for one email, and audits the refused ones in one row', async () => {
    const user = await createUser(server, 'HR');
    const codes = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        signInCode(server, user.email, `wrong password ${i}`, `198.51.100.${i}`),
      ),
    );
    expect(codes.filter((c) => c === 'UNAUTHENTICATED')).toHaveLength(10);
    expect(codes.filter((c) => c === 'RATE_LIMITED')).toHaveLength(30);
    const failures = await failuresOf(server, user.email);
    expect(failures.filter((f) => f.reason === 'wrong_password')).toHaveLength(10);
    expect(failures.filter((f) => f.reason === 'rate_limited')).toEqual([
      { email: user.email, reason: 'rate_limited', limit: 'email', refused: 1 },
    ]);
    // The right password waits for the window too.
    expect(await signInCode(server, user.email, user.password, '198.51.100.99')).toBe('RATE_LIMITED');
  });

  it('limits one source across emails, not the others', async () => {
    const users = await Promise.all(Array.from({ length: 3 }, () => createUser(server, 'REVIEWER')));
    const codes: string[] = [];
    for (let i = 0; i < 25; i += 1) {
      codes.push(await signInCode(server, `nobody-${mode}-${i}@example.org`, 'guess', '203.0.113.50'));
    }
    expect(new Set(codes)).toEqual(new Set(['UNAUTHENTICATED']));
    expect(await signInCode(server, users[0]!.email, users[0]!.password, '203.0.113.50')).toBe(
      'RATE_LIMITED',
    );
    expect(await signInCode(server, users[1]!.email, users[1]!.password, '203.0.113.51')).toBe('OK');
    // A forwarded address is believed only from a loopback peer (the admin's proxy); the test's own
    // connection is loopback, so a chain ending in a loopback hop still names 203.0.113.50.
    expect(await signInCode(server, users[2]!.email, users[2]!.password, '203.0.113.50, 127.0.0.1')).toBe(
      'RATE_LIMITED',
    );
  });

  it('refuses an email longer than 254 characters as bad input, without a ledger row', async () => {
    const long = `${'x'.repeat(300)}@example.org`;
    expect(await signInCode(server, long, 'guess', '192.0.2.77')).toBe('BAD_INPUT');
    expect(await failuresOf(server, long)).toEqual([]);
  });
});
