// Two real server processes (the built dist/main.js) on one PostgreSQL, as behind a load balancer:
// what one process does, the other sees. A subscription on A receives identifies made on B, a webhook
// fires once per event, a bulk import queued on A is processed once across both, an API key's rate
// limit is one budget across both, and a photo enrolled on A is served by B (FACELEDGER_IMAGE_STORE=
// database). PostgreSQL only: PGlite is one process. Build the server first (npm run build -w
// @faceledger/server); the engine loads in both processes, so this is slow.
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase, type Database } from '@faceledger/db';
import {
  createTestDatabaseLocation,
  TEST_DATABASE_MODES,
  type TestDatabaseLocation,
} from '@faceledger/db/testing';
import { createClient, type Client } from 'graphql-ws';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SERVER_ROOT, signInBenchAdmin, startBuiltServer } from '../src/bench/built-server.js';
import { lfwImage } from './test-data.js';

/** The ports of this test (4130-4139): the two servers and the webhook receiver. */
const PORTS = { a: 4130, b: 4131, receiver: 4132 };
/** One API-key budget: this many requests at once, then one a minute. */
const API_KEY_BURST = 8;

interface ServerProcess {
  url: string;
  child: ChildProcess;
  dataDir: string;
}

type GraphQLBody<T> = { data?: T; errors?: Array<{ message: string; extensions?: { code?: string } }> };

async function graphql<T>(
  server: ServerProcess,
  headers: Record<string, string>,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GraphQLBody<T>> {
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as GraphQLBody<T>;
}

/** The data of a GraphQL answer; throws with its first error otherwise. */
async function dataOf<T>(answer: Promise<GraphQLBody<T>>): Promise<T> {
  const body = await answer;
  if (!body.data || body.errors?.length) throw new Error(`GraphQL failed: ${body.errors?.[0]?.message}`);
  return body.data;
}

async function photo(name: string, n: number): Promise<Buffer> {
  return readFile(lfwImage(name, n));
}

/** Resolves once `check` answers true, asking every 250 ms. */
async function until(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 250));
}

const IDENTIFY =
  'mutation ($g: ID!, $image: ImageInput!) { identify(galleryId: $g, image: $image) { faces { eventId decision } } }';

describe.skipIf(!TEST_DATABASE_MODES.includes('postgres'))('two server processes on one PostgreSQL', () => {
  let location: TestDatabaseLocation;
  let db: Database;
  const servers: ServerProcess[] = [];
  let a: ServerProcess;
  let b: ServerProcess;
  let admin: Record<string, string>;
  let galleryId: string;
  let receiver: http.Server;
  const webhookEventIds: string[] = [];

  async function start(port: number): Promise<ServerProcess> {
    const dataDir = await mkdtemp(path.join(tmpdir(), `faceledger-multi-${port}-`));
    const child = await startBuiltServer({
      dataDir,
      port,
      databaseUrl: location.databaseUrl,
      env: {
        FACELEDGER_IMAGE_STORE: 'database',
        FACELEDGER_RECOGNITION_WORKERS: '1',
        FACELEDGER_WEBHOOK_ALLOWED_NETWORKS: '127.0.0.1/32',
        FACELEDGER_WEBHOOK_INTERVAL_SECONDS: '1',
        FACELEDGER_API_KEY_RATE_LIMIT: '1',
        FACELEDGER_API_KEY_BURST: String(API_KEY_BURST),
      },
      isReady: async (response) =>
        response.ok && ((await response.json()) as { recognition: { state: string } }).recognition.state === 'READY',
      waitSeconds: 240,
    });
    const server = { url: `http://127.0.0.1:${port}`, child, dataDir };
    servers.push(server);
    return server;
  }

  beforeAll(async () => {
    if (!existsSync(path.join(SERVER_ROOT, 'dist/main.js'))) {
      throw new Error('dist/main.js is missing: run npm run build -w @faceledger/server first');
    }
    location = await createTestDatabaseLocation('postgres');
    receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        webhookEventIds.push((JSON.parse(body) as { data: { eventId: string } }).data.eventId);
        res.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(PORTS.receiver, '127.0.0.1', resolve));
    // One after the other: the first migrates the new database and creates the first admin.
    a = await start(PORTS.a);
    b = await start(PORTS.b);
    db = await openDatabase({ databaseUrl: location.databaseUrl, runMigrations: false });
    // A session lives in the database, so its cookie is good on both processes.
    admin = await signInBenchAdmin(a.url);
    galleryId = (
      await dataOf(
        graphql<{ createGallery: { id: string } }>(
          a,
          admin,
          'mutation ($input: CreateGalleryInput!) { createGallery(input: $input) { id } }',
          { input: { name: 'Two processes', matchThreshold: 0.6, probeRetentionDays: 0 } },
        ),
      )
    ).createGallery.id;
  }, 600_000);

  afterAll(async () => {
    await Promise.all(
      servers.map(
        (server) =>
          new Promise<void>((resolve) => {
            if (server.child.exitCode !== null) return resolve();
            server.child.once('exit', () => resolve());
            server.child.kill('SIGTERM');
          }),
      ),
    );
    await db?.close();
    await new Promise((resolve) => receiver?.close(resolve));
    await location?.remove();
    await Promise.all(servers.map((server) => rm(server.dataDir, { recursive: true, force: true })));
  });

  it('serves on B the photo and thumbnail enrolled on A, from the database', async () => {
    const person = await dataOf(
      graphql<{ createIdentity: { id: string } }>(
        a,
        admin,
        'mutation ($input: CreateIdentityInput!) { createIdentity(input: $input) { id } }',
        { input: { galleryId, externalId: 'AS-1', displayName: 'Andre Agassi' } },
      ),
    );
    const bytes = await photo('Andre_Agassi', 1);
    const enrolled = await dataOf(
      graphql<{ enrollFace: { __typename: string; face?: { imageKey: string } } }>(
        a,
        admin,
        'mutation ($id: ID!, $image: ImageInput!) { enrollFace(identityId: $id, image: $image) { __typename ... on Enrolled { face { imageKey } } } }',
        { id: person.createIdentity.id, image: { base64: bytes.toString('base64') } },
      ),
    );
    expect(enrolled.enrollFace.__typename).toBe('Enrolled');
    const key = enrolled.enrollFace.face!.imageKey;

    const original = await fetch(`${b.url}/api/images/${key}`, { headers: admin });
    expect(original.status).toBe(200);
    expect(Buffer.from(await original.arrayBuffer())).toEqual(bytes);
    const thumbnail = await fetch(`${b.url}/api/images/${key}/thumbnail?size=64`, { headers: admin });
    expect(thumbnail.status).toBe(200);
    const meta = await sharp(Buffer.from(await thumbnail.arrayBuffer())).metadata();
    expect([meta.format, Math.max(meta.width!, meta.height!)]).toEqual(['jpeg', 64]);
    // Neither process wrote the photo to its own disk.
    for (const server of [a, b]) expect(await readdir(server.dataDir)).not.toContain('images');
  });

  it('processes a bulk import queued on A once across both processes', async () => {
    // One photo each (LFW number) that shows one face.
    const photos: Record<string, number> = {
      Colin_Powell: 1,
      Tony_Blair: 2,
      Hugo_Chavez: 1,
      Laura_Bush: 1,
      Jacques_Chirac: 1,
      Carlos_Ghosn: 1,
    };
    const people = Object.keys(photos);
    const form = new FormData();
    form.set('galleryId', galleryId);
    const csv = ['externalId,name,photo', ...people.map((p) => `${p},${p.replace('_', ' ')},${p}.jpg`)];
    form.set('csv', new Blob([csv.join('\n')], { type: 'text/csv' }), 'people.csv');
    for (const p of people) form.append('photos', new Blob([new Uint8Array(await photo(p, photos[p]!))]), `${p}.jpg`);
    const response = await fetch(`${a.url}/api/imports`, { method: 'POST', headers: admin, body: form });
    expect(response.status).toBe(202);
    const { jobId } = (await response.json()) as { jobId: string };

    const readJob = () =>
      dataOf(
        graphql<{ job: { status: string; progress: { done: number; total: number }; importSummary: unknown } }>(
          b,
          admin,
          'query ($id: ID!) { job(id: $id) { status progress { done total } importSummary { outcome count } } }',
          { id: jobId },
        ),
      );
    await until(async () => ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes((await readJob()).job.status));
    const { job } = await readJob();
    expect(job).toEqual({
      status: 'SUCCEEDED',
      progress: { done: people.length, total: people.length },
      importSummary: [{ outcome: 'ENROLLED', count: people.length }],
    });
    // Each row made one identity with one face: no process enrolled a row the other had done.
    const rows = await db.prisma.$queryRaw<Array<{ externalId: string; faces: number }>>`
      SELECT i.external_id AS "externalId", count(f.id)::int AS faces
      FROM identities i LEFT JOIN faces f ON f.identity_id = i.id
      WHERE i.gallery_id = ${galleryId}::uuid AND i.external_id <> 'AS-1'
      GROUP BY i.external_id ORDER BY i.external_id`;
    expect(rows).toEqual([...people].sort().map((externalId) => ({ externalId, faces: 1 })));
  });

  it('pushes identifies made on B to a subscription on A, and sends each event to the webhook once', async () => {
    const hook = await graphql(
      a,
      admin,
      'mutation ($g: ID!, $url: String!) { createWebhook(galleryId: $g, url: $url, events: [MATCH, NO_MATCH, UNKNOWN]) { secret } }',
      { g: galleryId, url: `http://127.0.0.1:${PORTS.receiver}/hook` },
    );
    expect(hook.errors).toBeUndefined();
    const client: Client = createClient({
      url: `${a.url.replace('http', 'ws')}/graphql`,
      // The admin's session cookie, as a browser on the same site would send it.
      webSocketImpl: class extends WebSocket {
        constructor(url: string, protocols?: string | string[]) {
          super(url, protocols, { headers: admin });
        }
      },
      retryAttempts: 0,
    });
    const identifiedOnB: string[] = [];
    try {
      const feed = client.iterate<{ matchEvents: { eventId: string; topCandidate: { displayName: string } | null } }>({
        query:
          'subscription ($g: ID!) { matchEvents(galleryId: $g) { eventId topCandidate { displayName } } }',
        variables: { g: galleryId },
      });
      const pushed = feed.next();
      // The subscription starts on A at some point after iterate(): identify on B until A pushes one.
      let first: Awaited<typeof pushed> | null = null;
      for (let n = 3; first === null && n <= 9; n += 1) {
        const answer = await dataOf(
          graphql<{ identify: { faces: Array<{ eventId: string; decision: string }> } }>(b, admin, IDENTIFY, {
            g: galleryId,
            image: { base64: (await photo('Colin_Powell', n)).toString('base64') },
          }),
        );
        identifiedOnB.push(...answer.identify.faces.map((face) => face.eventId));
        first = await Promise.race([pushed, new Promise<null>((resolve) => setTimeout(() => resolve(null), 3000))]);
      }
      expect(first?.value?.data?.matchEvents.topCandidate?.displayName).toBe('Colin Powell');
      expect(identifiedOnB).toContain(first?.value?.data?.matchEvents.eventId);
      await feed.return?.();
    } finally {
      await client.dispose();
    }
    // One more event, from A: then both processes' webhook tasks have had their turns.
    const onA = await dataOf(
      graphql<{ identify: { faces: Array<{ eventId: string }> } }>(a, admin, IDENTIFY, {
        g: galleryId,
        image: { base64: (await photo('Hugo_Chavez', 2)).toString('base64') },
      }),
    );
    const eventIds = [...identifiedOnB, ...onA.identify.faces.map((face) => face.eventId)];
    await until(async () => {
      const pending = await db.prisma.webhookDelivery.count({
        where: { eventId: { in: eventIds }, status: { not: 'SUCCEEDED' } },
      });
      return pending === 0;
    });
    expect(await db.prisma.webhookDelivery.count({ where: { eventId: { in: eventIds } } })).toBe(
      eventIds.length,
    );
    expect([...webhookEventIds].sort()).toEqual([...eventIds].sort());
  });

  it('holds an API key to one budget across both processes', async () => {
    const created = await dataOf(
      graphql<{ createApiKey: { secret: string } }>(
        a,
        admin,
        'mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }',
        { input: { name: 'two processes', scopes: ['read'], galleryId: null } },
      ),
    );
    const key = { authorization: `Bearer ${created.createApiKey.secret}` };
    const allowed = { a: 0, b: 0 };
    for (let i = 0; i < 3 * API_KEY_BURST; i += 1) {
      const [name, server] = i % 2 === 0 ? (['a', a] as const) : (['b', b] as const);
      const body = await graphql(server, key, '{ viewer { apiKey { prefix } } }');
      if (body.errors?.[0]?.extensions?.code === 'RATE_LIMITED') continue;
      expect(body.errors).toBeUndefined();
      allowed[name] += 1;
    }
    // One burst in all (at one request a minute, no token comes back during the test), served by both.
    expect(allowed.a + allowed.b).toBe(API_KEY_BURST);
    expect(allowed.a).toBeGreaterThan(0);
    expect(allowed.b).toBeGreaterThan(0);
  });
});
