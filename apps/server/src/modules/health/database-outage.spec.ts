import net from 'node:net';
import { openDatabase, type DatabaseMode } from '@faceledger/db';
import {
  TEST_DATABASE_MODES,
  TEST_POSTGRES_URL,
  createTestDatabaseLocation,
  type TestDatabase,
} from '@faceledger/db/testing';
import pg from 'pg';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createApiKey, createUser, signIn } from '../../../test/auth-helpers.js';
import { startTestServer, startTestServerOn, type TestServer } from '../../../test/test-server.js';
import { RecognitionRepository } from '../../infrastructure/recognition/recognition.repository.js';
import type { Actor } from '../auth/actor.js';
import { DATABASE_NO_ANSWER_HIDDEN, DATABASE_NO_HISTORY_HIDDEN } from './health.service.js';

const logger = pino({ level: process.env.LOG_LEVEL ?? 'silent' });
/** An ADMIN as the health query sees one (health.details); a signed-in one cannot be asked for while the database is gone. */
const ADMIN: Actor = { kind: 'user', userId: 'u-admin', email: 'admin@example.org', role: 'ADMIN' };

interface HealthBody {
  ok: boolean;
  databaseError: string | null;
  migrations: { applied: number; total: number; latest: string | null };
}

async function healthz(server: TestServer): Promise<{ status: number; body: HealthBody; text: string }> {
  const response = await fetch(`${server.url}/healthz`);
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text) as HealthBody, text };
}

/** A TCP relay to the shared PostgreSQL that the test can cut, as a database server going away does. */
async function startRelay(target: URL): Promise<{ port: number; cut(): void }> {
  const sockets = new Set<net.Socket>();
  const relay = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => s.destroy());
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  return {
    port: (relay.address() as net.AddressInfo).port,
    cut() {
      relay.close();
      for (const s of sockets) s.destroy();
    },
  };
}

/**
 * A server whose database the test can take away: PGlite is closed under the running server; a
 * PostgreSQL database is reached through a relay that the test cuts (the shared server stays up).
 */
async function startServerWithRemovableDatabase(
  mode: DatabaseMode,
): Promise<{ server: TestServer; takeAway(): Promise<void>; internals: string[] }> {
  const location = await createTestDatabaseLocation(mode);
  const relay = mode === 'postgres' ? await startRelay(new URL(TEST_POSTGRES_URL)) : null;
  let databaseUrl = location.databaseUrl;
  if (relay && databaseUrl) {
    const url = new URL(databaseUrl);
    url.port = String(relay.port);
    databaseUrl = url.toString();
  }
  const db = await openDatabase({ databaseUrl, pgliteDir: location.pgliteDir, logger });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await db.close();
  };
  const testDb: TestDatabase = {
    ...db,
    close,
    async drop() {
      await close();
      await location.remove();
    },
  };
  const recognition = new RecognitionRepository({ enabled: false, backend: 'wasm', workers: 1 }, logger);
  const server = await startTestServerOn(testDb, recognition);
  // What a driver's message may name: the database's host and port, its name, PGlite's folder.
  const internals = databaseUrl
    ? [new URL(databaseUrl).host, new URL(databaseUrl).pathname.slice(1)]
    : location.pgliteDir
      ? [location.pgliteDir]
      : [];
  return { server, takeAway: async () => (relay ? relay.cut() : close()), internals };
}

describe.each(TEST_DATABASE_MODES)('health and errors when the database goes away, on %s', (mode) => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('is not ok once the schema is dropped and recreated empty under the running server', async () => {
    server = await startTestServer(mode);
    const before = await healthz(server);
    expect(before.status).toBe(200);
    expect(before.body.ok).toBe(true);
    expect(before.body.databaseError).toBeNull();
    expect(before.body.migrations.applied).toBe(before.body.migrations.total);

    await server.db.prisma.$executeRawUnsafe('DROP SCHEMA public CASCADE');
    await server.db.prisma.$executeRawUnsafe('CREATE SCHEMA public');

    const after = await healthz(server);
    expect(after.status).toBe(503);
    expect(after.body.ok).toBe(false);
    expect(after.body.migrations).toMatchObject({ applied: 0, total: before.body.migrations.total, latest: null });
    // /healthz says what happened and what to do, without the driver's message; an admin's health has it.
    expect(after.body.databaseError).toBe(DATABASE_NO_HISTORY_HIDDEN);
    expect(after.text).not.toContain('_prisma_migrations');
    const detailed = await server.services.health.check(ADMIN);
    expect(detailed.databaseError).toMatch(/^The database has no migration history \(_prisma_migrations cannot be read: .+\)/);
    expect(detailed.migrations).toEqual(after.body.migrations);
    const query = await server.graphql<{ health: { ok: boolean } }>('{ health { ok } }');
    expect(query.data?.health.ok).toBe(false);
  });

  it.runIf(mode === 'postgres')('is not ok once the database is dropped and created again empty', async () => {
    server = await startTestServer(mode);
    expect((await healthz(server)).body.ok).toBe(true);
    const name = new URL(server.db.connectionString).pathname.slice(1);
    const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE "${name}" WITH (FORCE)`);
      await admin.query(`CREATE DATABASE "${name}"`);
    } finally {
      await admin.end();
    }
    const after = await healthz(server);
    expect(after.status).toBe(503);
    expect(after.body).toMatchObject({ ok: false, migrations: { applied: 0 } });
  });

  it('answers DATABASE_UNAVAILABLE (GraphQL with a key or a cookie, REST 503 with Retry-After) while the database is gone', async () => {
    const started = await startServerWithRemovableDatabase(mode);
    server = started.server;
    const key = await createApiKey(server, ['identify']);
    const user = await createUser(server, 'ADMIN');
    const cookie = await signIn(server, user.email, user.password);
    expect((await server.graphql('{ galleries { id } }', {}, cookie)).errors).toBeUndefined();

    await started.takeAway();

    for (const headers of [key, cookie]) {
      const response = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query: '{ galleries { id } }' }),
      });
      const body = (await response.json()) as { errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
      expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'DATABASE_UNAVAILABLE', retryAfterSeconds: 5 });
      expect(body.errors?.[0]?.message).toMatch(/database is not reachable.*retry/i);
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
    }

    // Anonymous: no credentials to check, the resolver itself meets the outage.
    const signInAgain = await server.graphql(
      'mutation { signIn(email: "nobody@example.org", password: "whatever password") { id } }',
    );
    expect(signInAgain.errors?.[0]?.extensions?.code).toBe('DATABASE_UNAVAILABLE');

    const rest = await fetch(`${server.url}/api/images/${'a'.repeat(64)}`, { headers: cookie });
    expect(rest.status).toBe(503);
    expect(rest.headers.get('retry-after')).toBe('5');
    const restBody = (await rest.json()) as { errors: Array<{ extensions: { code: string } }> };
    expect(restBody.errors[0]?.extensions.code).toBe('DATABASE_UNAVAILABLE');

    const health = await healthz(server);
    expect(health.status).toBe(503);
    expect(health.body.ok).toBe(false);
    expect(health.body.databaseError).toBe(DATABASE_NO_ANSWER_HIDDEN);
    for (const hidden of started.internals) expect(health.text).not.toContain(hidden);
    const detailed = await server.services.health.check(ADMIN);
    expect(detailed.databaseError).toMatch(/^The database does not answer: .+/);
    expect(detailed.databaseError).not.toBe(DATABASE_NO_ANSWER_HIDDEN);
  });
});
