// The whole path with the real engine and real photos: identify and verify over HTTP reach a
// graphql-ws subscriber and a webhook receiver. One database is enough here (live-feed.spec.ts
// covers both); the engine makes this the slow one.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { TEST_DATABASE_MODES } from '@faceledger/db/testing';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { adminHeaders, createApiKey, type AuthHeaders } from '../../../test/auth-helpers.js';
import { lfwImage } from '../../../test/test-data.js';
import { startTestServer, type TestServer } from '../../../test/test-server.js';
import { LiveFeedRepository } from './live-feed.repository.js';

const mode = TEST_DATABASE_MODES[0] ?? 'pglite';

async function imageOf(name: string, n: number) {
  return { base64: (await readFile(lfwImage(name, n))).toString('base64') };
}

describe(`identify and verify on the live feed (${mode}, real engine)`, () => {
  let server: TestServer;
  let admin: AuthHeaders;
  let galleryId: string;
  let identityId: string;
  let receiver: http.Server;
  const received: Array<{ event: string; body: { data: { eventId: string; kind: string } } }> = [];
  const LIVE_FIELDS =
    'eventId kind decision galleryId galleryName createdAt topCandidate { identityId displayName externalId score }';

  beforeAll(async () => {
    server = await startTestServer(mode, { recognition: true });
    expect((await server.recognition.whenSettled()).state).toBe('READY');
    admin = await adminHeaders(server);
    const gallery = await server.graphql<{ createGallery: { id: string } }>(
      'mutation ($input: CreateGalleryInput!) { createGallery(input: $input) { id } }',
      { input: { name: `Watchlist ${randomUUID()}`, matchThreshold: 0.92, probeRetentionDays: 0 } },
      admin,
    );
    galleryId = gallery.data!.createGallery.id;
    const identity = await server.graphql<{ createIdentity: { id: string } }>(
      'mutation ($input: CreateIdentityInput!) { createIdentity(input: $input) { id } }',
      { input: { galleryId, externalId: 'cp', displayName: 'Colin Powell' } },
      admin,
    );
    identityId = identity.data!.createIdentity.id;
    for (const n of [1, 2]) {
      const enrolled = await server.graphql<{ enrollFace: { __typename: string } }>(
        'mutation ($id: ID!, $image: ImageInput!) { enrollFace(identityId: $id, image: $image) { __typename } }',
        { id: identityId, image: await imageOf('Colin_Powell', n) },
        admin,
      );
      expect(enrolled.data?.enrollFace.__typename).toBe('Enrolled');
    }
    receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        received.push({ event: String(req.headers['x-faceledger-event']), body: JSON.parse(body) as never });
        res.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const { port } = receiver.address() as AddressInfo;
    const hook = await server.graphql(
      'mutation ($g: ID!, $url: String!) { createWebhook(galleryId: $g, url: $url, events: [MATCH, NO_MATCH, UNKNOWN]) { secret } }',
      { g: galleryId, url: `http://127.0.0.1:${port}/hook` },
      admin,
    );
    expect(hook.errors).toBeUndefined();
  });

  afterAll(async () => {
    await new Promise((resolve) => receiver?.close(resolve));
    await server?.close();
  });

  /** A graphql-ws client with a new identify key of the gallery. */
  async function connectWithKey() {
    const key = await createApiKey(server, ['identify'], galleryId);
    return createClient({
      url: `${server.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: key,
      retryAttempts: 0,
    });
  }

  it('pushes the events of identify and verify to a subscriber and to the webhook', async () => {
    const client = await connectWithKey();
    try {
      const events = client.iterate<{
        matchEvents: {
          eventId: string;
          kind: string;
          decision: string;
          topCandidate: { displayName: string } | null;
        };
      }>({
        query:
          'subscription ($g: ID!) { matchEvents(galleryId: $g) { eventId kind decision topCandidate { displayName } } }',
        variables: { g: galleryId },
      });
      const first = events.next();
      await vi.waitFor(() => expect(server.services.liveFeed.listenerCount).toBe(1), { timeout: 5000 });

      const identified = await server.graphql<{
        identify: { faces: Array<{ eventId: string; decision: string }> };
      }>(
        'mutation ($g: ID!, $image: ImageInput!) { identify(galleryId: $g, image: $image) { faces { eventId decision } } }',
        { g: galleryId, image: await imageOf('Colin_Powell', 3) },
        admin,
      );
      expect(identified.errors).toBeUndefined();
      const face = identified.data!.identify.faces[0]!;
      expect((await first).value?.data?.matchEvents).toEqual({
        eventId: face.eventId,
        kind: 'IDENTIFY',
        decision: face.decision,
        topCandidate: { displayName: 'Colin Powell' },
      });

      const verified = await server.graphql<{ verify: { eventId: string } }>(
        'mutation ($id: ID!, $image: ImageInput!) { verify(identityId: $id, image: $image) { eventId } }',
        { id: identityId, image: await imageOf('Colin_Powell', 4) },
        admin,
      );
      expect(verified.errors).toBeUndefined();
      expect((await events.next()).value?.data?.matchEvents).toMatchObject({
        eventId: verified.data!.verify.eventId,
        kind: 'VERIFY',
      });
      await events.return?.();

      await server.services.webhooks.deliverDue(new Date());
      expect(received.map((r) => r.body.data.eventId).sort()).toEqual(
        [face.eventId, verified.data!.verify.eventId].sort(),
      );
    } finally {
      await client.dispose();
    }
  });

  it('pushes and sends exactly what the stored event reads as, though nothing reads it back before pushing', async () => {
    const client = await connectWithKey();
    try {
      const events = client.iterate<{ matchEvents: Record<string, unknown> }>({
        query: `subscription ($g: ID!) { matchEvents(galleryId: $g) { ${LIVE_FIELDS} } }`,
        variables: { g: galleryId },
      });
      const first = events.next();
      await vi.waitFor(() => expect(server.services.liveFeed.listenerCount).toBe(1), { timeout: 5000 });
      const identified = await server.graphql<{ identify: { faces: Array<{ eventId: string }> } }>(
        'mutation ($g: ID!, $image: ImageInput!) { identify(galleryId: $g, image: $image) { faces { eventId } } }',
        { g: galleryId, image: await imageOf('Colin_Powell', 4) },
        admin,
      );
      expect(identified.errors).toBeUndefined();
      const eventId = identified.data!.identify.faces[0]!.eventId;
      const pushed = (await first).value?.data?.matchEvents;
      await events.return?.();
      // What the live feed used to read back from the database after the commit.
      const [stored] = await new LiveFeedRepository(server.db.prisma).findLiveEvents([eventId]);
      expect(stored?.topCandidate?.displayName).toBe('Colin Powell');
      expect(pushed).toEqual(stored);
      received.length = 0;
      await server.services.webhooks.deliverDue(new Date());
      expect(received.map((r) => r.body.data)).toEqual([stored]);
    } finally {
      await client.dispose();
    }
  });
});
