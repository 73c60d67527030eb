// Webhooks may not point where only the server can reach, on both databases: createWebhook refuses
// such URLs, and a webhook stored before the rule (or whose name now resolves elsewhere) is not
// connected to at delivery. The only receiver here listens on 127.0.0.1 and must get nothing;
// refusals are decided at validation and resolution time, so no traffic goes anywhere.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { TEST_DATABASE_MODES } from '@faceledger/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, type AuthHeaders } from '../../../test/auth-helpers.js';
import { commitMatchEvent } from '../../../test/match-events.js';
import { startTestServer, type TestServer } from '../../../test/test-server.js';

const CREATE_WEBHOOK =
  'mutation ($g: ID!, $url: String!) { createWebhook(galleryId: $g, url: $url, events: [MATCH]) { webhook { id } } }';

describe.each(TEST_DATABASE_MODES)('webhook destinations on %s', (mode) => {
  let server: TestServer;
  let admin: AuthHeaders;
  let galleryId: string;

  beforeAll(async () => {
    // No allowed networks: the production default.
    server = await startTestServer(mode, { webhookAllowedNetworks: [] });
    admin = await adminHeaders(server);
    const gallery = await server.db.prisma.gallery.create({
      data: { name: `Doors ${randomUUID()}`, matchThreshold: 0.6, embeddingModelId: 'faceapi-resnet128' },
    });
    galleryId = gallery.id;
  });
  afterAll(async () => {
    await server?.close();
  });

  it.each([
    'http://127.0.0.1:4000/hook',
    'http://0.0.0.0:4000/hook',
    'http://2130706433/hook',
    'http://[::1]:4000/hook',
    'http://10.0.0.8/hook',
    'http://169.254.169.254/latest/meta-data/',
    'http://localhost:4000/hook',
    'https://user:secret@example.org/hook',
  ])('refuses to register %s, saying what to do', async (url) => {
    const body = await server.graphql(CREATE_WEBHOOK, { g: galleryId, url }, admin);
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_INPUT', field: 'url' });
    expect(body.errors?.[0]?.message).toMatch(/FACELEDGER_WEBHOOK_ALLOWED_NETWORKS|user name or password/);
    expect(await server.db.prisma.webhook.count({ where: { galleryId } })).toBe(0);
  });

  it("does not connect to a stored webhook's refused address at delivery, and records only 'unreachable'", async () => {
    let requests = 0;
    const receiver = http.createServer((_req, res) => {
      requests += 1;
      res.end();
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = receiver.address() as AddressInfo;
      const webhook = await server.db.prisma.webhook.create({
        data: {
          galleryId,
          url: `http://127.0.0.1:${port}/hook`,
          events: ['MATCH'],
          secret: 'whsec_test',
          createdBy: 'system',
        },
      });
      await commitMatchEvent(server, galleryId);

      expect(await server.services.webhooks.deliverDue(new Date())).toMatchObject({
        attempted: 1,
        retrying: 1,
      });
      expect(requests).toBe(0);
      const [delivery] = await server.db.prisma.webhookDelivery.findMany({
        where: { webhookId: webhook.id },
      });
      expect(delivery).toMatchObject({
        status: 'PENDING',
        attempts: 1,
        lastStatusCode: null,
        lastError: 'unreachable',
      });
    } finally {
      await new Promise((resolve) => receiver.close(resolve));
    }
  });
});
