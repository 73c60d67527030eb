// The live feed over the real server on both databases: a graphql-ws subscriber (the `ws` client)
// gets its gallery's committed events and no other gallery's, unauthenticated or cross-site sockets
// are refused; webhooks reach a local receiver signed, and are retried with backoff after a 500.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { TEST_DATABASE_MODES } from '@faceledger/db/testing';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import {
  adminHeaders,
  createApiKey,
  createUserAndSignIn,
  type AuthHeaders,
} from '../../../test/auth-helpers.js';
import { commitMatchEvent } from '../../../test/match-events.js';
import { startTestServer, type TestServer } from '../../../test/test-server.js';
import { isValidWebhookSignature } from './webhook-signature.js';

const SUBSCRIPTION = `subscription ($galleryId: ID!, $decisions: [MatchDecision!]) {
  matchEvents(galleryId: $galleryId, decisions: $decisions) {
    eventId kind decision galleryId galleryName createdAt
    topCandidate { identityId displayName externalId score }
  }
}`;

interface LiveEvent {
  eventId: string;
  kind: string;
  decision: string;
  galleryId: string;
  galleryName: string;
  createdAt: string;
  topCandidate: { identityId: string; displayName: string; externalId: string; score: number } | null;
}

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A local webhook receiver answering each request with the next status of `statuses` (then 200). */
async function startReceiver(statuses: number[] = []) {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.statusCode = statuses.shift() ?? 200;
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/faceledger?token=abc`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe.each(TEST_DATABASE_MODES)('the live feed on %s', (mode) => {
  let server: TestServer;
  let admin: AuthHeaders;
  const clients: Client[] = [];

  async function createGallery(): Promise<{ id: string; name: string }> {
    const name = `Watchlist ${randomUUID()}`;
    const body = await server.graphql<{ createGallery: { id: string } }>(
      'mutation ($input: CreateGalleryInput!) { createGallery(input: $input) { id } }',
      { input: { name, matchThreshold: 0.6 } },
      admin,
    );
    expect(body.errors).toBeUndefined();
    return { id: body.data!.createGallery.id, name };
  }

  /** Records a committed match event of the gallery and publishes it, as matching's unit of work does. */
  const commitEvent = (galleryId: string, decision: 'MATCH' | 'UNKNOWN' = 'MATCH') =>
    commitMatchEvent(server, galleryId, decision);

  function connect(
    options: { connectionParams?: Record<string, unknown>; headers?: Record<string, string> } = {},
  ): Client {
    const headers = options.headers ?? {};
    class HeaderWebSocket extends WebSocket {
      constructor(address: string | URL, protocols?: string | string[]) {
        super(address, protocols, { headers });
      }
    }
    const client = createClient({
      url: `${server.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: HeaderWebSocket,
      connectionParams: options.connectionParams,
      retryAttempts: 0,
      lazy: true,
    });
    clients.push(client);
    return client;
  }

  async function waitForListeners(count: number): Promise<void> {
    await vi.waitFor(() => expect(server.services.liveFeed.listenerCount).toBe(count), { timeout: 5000 });
  }

  beforeAll(async () => {
    server = await startTestServer(mode);
    admin = await adminHeaders(server);
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.dispose()));
    await waitForListeners(0);
  });
  afterAll(async () => {
    await server?.close();
  });

  describe('the matchEvents subscription', () => {
    it("pushes its gallery's committed events to an API key, and not another gallery's", async () => {
      const watched = await createGallery();
      const other = await createGallery();
      const key = await createApiKey(server, ['identify']);
      const events = connect({ connectionParams: { authorization: key.authorization } }).iterate<{
        matchEvents: LiveEvent;
      }>({ query: SUBSCRIPTION, variables: { galleryId: watched.id } });
      const first = events.next();
      await waitForListeners(1);

      await commitEvent(other.id);
      const eventId = await commitEvent(watched.id);

      const { value } = await first;
      expect(value?.errors).toBeUndefined();
      const event = value?.data?.matchEvents;
      expect(event).toMatchObject({
        eventId,
        kind: 'IDENTIFY',
        decision: 'MATCH',
        galleryId: watched.id,
        galleryName: watched.name,
        topCandidate: { displayName: 'Ada Lovelace', score: 0.91 },
      });
      expect(Object.keys(event ?? {})).not.toContain('probeEmbedding');
      await events.return?.();
    });

    it('filters by decision and accepts the session cookie of a signed-in reviewer', async () => {
      const gallery = await createGallery();
      const cookie = await createUserAndSignIn(server, 'REVIEWER');
      const events = connect({ headers: cookie }).iterate<{ matchEvents: LiveEvent }>({
        query: SUBSCRIPTION,
        variables: { galleryId: gallery.id, decisions: ['UNKNOWN'] },
      });
      const first = events.next();
      await waitForListeners(1);
      await commitEvent(gallery.id, 'MATCH');
      const unknownId = await commitEvent(gallery.id, 'UNKNOWN');
      expect((await first).value?.data?.matchEvents).toMatchObject({
        eventId: unknownId,
        decision: 'UNKNOWN',
      });
      await events.return?.();
    });

    it('refuses a connection without credentials, with a bad key, or with a cookie from another site', async () => {
      const cookie = await createUserAndSignIn(server, 'ADMIN');
      const attempts = [
        connect(),
        connect({ connectionParams: { authorization: 'Bearer fl_000000000000_nope' } }),
        connect({ headers: { ...cookie, origin: 'https://evil.example' } }),
      ];
      for (const client of attempts) {
        const events = client.iterate({ query: SUBSCRIPTION, variables: { galleryId: randomUUID() } });
        await expect(events.next()).rejects.toMatchObject({ code: 4401 });
      }
      expect(server.services.liveFeed.listenerCount).toBe(0);
    });

    it('answers FORBIDDEN for a role or key without the permission, or a key limited to another gallery', async () => {
      const gallery = await createGallery();
      const other = await createGallery();
      const cases: Array<{ connectionParams?: Record<string, unknown>; headers?: Record<string, string> }> = [
        { headers: await createUserAndSignIn(server, 'HR') },
        { connectionParams: await createApiKey(server, ['enroll']) },
        { connectionParams: await createApiKey(server, ['read'], other.id) },
      ];
      for (const credentials of cases) {
        const events = connect(credentials).iterate({
          query: SUBSCRIPTION,
          variables: { galleryId: gallery.id },
        });
        const { value } = await events.next();
        expect(value?.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN' });
      }
    });

    it('serves only subscriptions over WebSocket, validated like HTTP without field suggestions', async () => {
      const key = await createApiKey(server, ['read']);
      const query = connect({ connectionParams: key }).iterate({ query: '{ health { ok } }' });
      await expect(query.next()).rejects.toEqual([
        expect.objectContaining({ extensions: { code: 'BAD_REQUEST' } }),
      ]);

      const typo = connect({ connectionParams: key }).iterate({
        query: 'subscription { matchEvent(galleryId: "x") { eventId } }',
      });
      const errors = (await typo.next().catch((e: unknown) => e)) as Array<{
        message: string;
        extensions: { code: string };
      }>;
      expect(errors[0]?.extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(errors[0]?.message).toMatch(/Cannot query field "matchEvent"/);
      expect(errors[0]?.message).not.toMatch(/Did you mean/);
    });
  });

  describe('webhooks', () => {
    it('lets only an admin create, list and delete them; the secret is shown once; both are audited', async () => {
      const gallery = await createGallery();
      const reviewer = await createUserAndSignIn(server, 'REVIEWER');
      const create =
        'mutation ($g: ID!, $url: String!, $events: [WebhookEvent!]!) { createWebhook(galleryId: $g, url: $url, events: $events) { webhook { id url events } secret } }';
      const variables = { g: gallery.id, url: 'https://example.org/hook', events: ['MATCH', 'MATCH'] };

      const forbidden = await server.graphql(create, variables, reviewer);
      expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const badUrl = await server.graphql(create, { ...variables, url: 'ftp://example.org/hook' }, admin);
      expect(badUrl.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_INPUT', field: 'url' });

      const created = await server.graphql<{
        createWebhook: { webhook: { id: string; url: string; events: string[] }; secret: string };
      }>(create, variables, admin);
      expect(created.errors).toBeUndefined();
      const { webhook, secret } = created.data!.createWebhook;
      expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
      expect(webhook).toMatchObject({ url: 'https://example.org/hook', events: ['MATCH'] });

      const listed = await server.graphql<{ webhooks: Array<Record<string, unknown>> }>(
        'query ($g: ID!) { webhooks(galleryId: $g) { id url events } }',
        { g: gallery.id },
        admin,
      );
      expect(listed.data?.webhooks).toEqual([webhook]);

      const deleted = await server.graphql(
        'mutation ($id: ID!) { deleteWebhook(id: $id) }',
        { id: webhook.id },
        admin,
      );
      expect(deleted.data).toEqual({ deleteWebhook: webhook.id });
      const again = await server.graphql(
        'mutation ($id: ID!) { deleteWebhook(id: $id) }',
        { id: webhook.id },
        admin,
      );
      expect(again.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

      const entries = await server.db.prisma.auditEntry.findMany({
        where: { subject: `webhook:${webhook.id}` },
        orderBy: { seq: 'asc' },
      });
      expect(entries.map((e) => e.action)).toEqual(['webhook.create', 'webhook.delete']);
      expect(JSON.stringify(entries.map((e) => e.payload))).not.toContain(secret);
      expect(entries[0]?.payload).toMatchObject({ galleryId: gallery.id, origin: 'https://example.org' });
    });

    it('POSTs a signed delivery of the events it takes to the receiver', async () => {
      const receiver = await startReceiver();
      try {
        const gallery = await createGallery();
        const { webhook, secret } = await createWebhook(gallery.id, receiver.url, ['MATCH']);
        await commitEvent(gallery.id, 'UNKNOWN');
        const eventId = await commitEvent(gallery.id, 'MATCH');

        await server.services.webhooks.deliverDue(new Date());

        expect(receiver.received).toHaveLength(1);
        const [request] = receiver.received;
        const headers = request!.headers;
        expect(headers['content-type']).toBe('application/json');
        expect(headers['x-faceledger-event']).toBe('matchEvent.match');
        const timestamp = String(headers['x-faceledger-timestamp']);
        const signature = String(headers['x-faceledger-signature']);
        expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
        expect(isValidWebhookSignature(secret, timestamp, request!.body, signature)).toBe(true);
        expect(isValidWebhookSignature('whsec_wrong', timestamp, request!.body, signature)).toBe(false);
        expect(isValidWebhookSignature(secret, timestamp, `${request!.body} `, signature)).toBe(false);

        const body = JSON.parse(request!.body) as { id: string; type: string; data: LiveEvent };
        expect(body).toMatchObject({
          id: headers['x-faceledger-delivery'],
          type: 'matchEvent.match',
          data: {
            eventId,
            decision: 'MATCH',
            galleryId: gallery.id,
            topCandidate: { displayName: 'Ada Lovelace' },
          },
        });
        const deliveries = await server.db.prisma.webhookDelivery.findMany({
          where: { webhookId: webhook.id },
        });
        expect(deliveries).toHaveLength(1);
        expect(deliveries[0]).toMatchObject({
          id: body.id,
          eventId,
          status: 'SUCCEEDED',
          attempts: 1,
          lastStatusCode: 200,
        });
      } finally {
        await receiver.close();
      }
    });

    it('retries a delivery answered 500 after 10 s and marks it succeeded on the second attempt', async () => {
      const receiver = await startReceiver([500]);
      try {
        const gallery = await createGallery();
        const { webhook } = await createWebhook(gallery.id, receiver.url, ['MATCH', 'UNKNOWN']);
        await commitEvent(gallery.id, 'MATCH');
        const t0 = new Date(Date.now() + 1000);

        await server.services.webhooks.deliverDue(t0);
        const afterFirst = await server.db.prisma.webhookDelivery.findFirstOrThrow({
          where: { webhookId: webhook.id },
        });
        expect(afterFirst).toMatchObject({
          status: 'PENDING',
          attempts: 1,
          lastStatusCode: 500,
          lastError: 'answered HTTP 500',
        });
        expect(afterFirst.nextAttemptAt?.getTime()).toBe(t0.getTime() + 10_000);

        await server.services.webhooks.deliverDue(new Date(t0.getTime() + 9_000));
        expect(receiver.received).toHaveLength(1);

        await server.services.webhooks.deliverDue(new Date(t0.getTime() + 10_000));
        expect(receiver.received).toHaveLength(2);
        const [first, second] = receiver.received;
        expect(second!.headers['x-faceledger-delivery']).toBe(first!.headers['x-faceledger-delivery']);

        const listed = await server.graphql<{ webhookDeliveries: Array<Record<string, unknown>> }>(
          'query ($id: ID!) { webhookDeliveries(webhookId: $id) { id status attempts lastStatusCode nextAttemptAt deliveredAt } }',
          { id: webhook.id },
          admin,
        );
        expect(listed.data?.webhookDeliveries).toEqual([
          {
            id: afterFirst.id,
            status: 'SUCCEEDED',
            attempts: 2,
            lastStatusCode: 200,
            nextAttemptAt: null,
            deliveredAt: new Date(t0.getTime() + 10_000).toISOString(),
          },
        ]);
      } finally {
        await receiver.close();
      }
    });

    it('queues, once, the deliveries a crash between commit and queueing lost, and nothing older than the webhook', async () => {
      const gallery = await createGallery();
      const before = await commitEvent(gallery.id);
      const { webhook } = await createWebhook(gallery.id, 'http://127.0.0.1:9/unused', ['MATCH']);
      const queued = await commitEvent(gallery.id);
      const unknown = await commitEvent(gallery.id, 'UNKNOWN');
      // the after-commit path queued `queued`; simulate a crash that lost it
      const deliveries = () =>
        server.db.prisma.webhookDelivery.findMany({
          where: { webhookId: webhook.id },
          select: { eventId: true, status: true },
        });
      expect((await deliveries()).map((d) => d.eventId)).toEqual([queued]);
      await server.db.prisma.webhookDelivery.deleteMany({ where: { webhookId: webhook.id } });
      const now = new Date(Date.now() + 1000);
      expect(await server.services.webhooks.recoverMissed(now)).toBe(1);
      expect(await deliveries()).toEqual([{ eventId: queued, status: 'PENDING' }]);
      // a second pass, and the normal path for the same event, add nothing
      expect(await server.services.webhooks.recoverMissed(now)).toBe(0);
      await server.services.webhooks.enqueue({
        type: 'MatchRecorded',
        eventId: queued,
        kind: 'IDENTIFY',
        decision: 'MATCH',
        galleryId: gallery.id,
        galleryName: gallery.name,
        topCandidate: null,
        createdAt: new Date().toISOString(),
      });
      expect((await deliveries()).map((d) => d.eventId)).toEqual([queued]);
      expect((await deliveries()).map((d) => d.eventId)).not.toContain(before);
      expect((await deliveries()).map((d) => d.eventId)).not.toContain(unknown);
    });
  });

  async function createWebhook(galleryId: string, url: string, events: string[]) {
    const body = await server.graphql<{ createWebhook: { webhook: { id: string }; secret: string } }>(
      'mutation ($g: ID!, $url: String!, $events: [WebhookEvent!]!) { createWebhook(galleryId: $g, url: $url, events: $events) { webhook { id } secret } }',
      { g: galleryId, url, events },
      admin,
    );
    expect(body.errors).toBeUndefined();
    return body.data!.createWebhook;
  }
});
