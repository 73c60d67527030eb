// The WebSocket endpoint alone, with the auth service faked: a connection whose key is revoked
// after it connected is closed by the periodic re-check.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadTypeDefs } from '@faceledger/schema';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { pino } from 'pino';
import { createClient } from 'graphql-ws';
import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import type { Services } from '../../graphql/context.js';
import { createFormatError } from '../../graphql/format-error.js';
import { resolvers } from '../../graphql/resolvers.js';
import { AppError, ErrorCode } from '../../shared/app-error.js';
import type { Actor } from '../auth/actor.js';
import { attachGraphQLWebSocket, type GraphQLWebSocketServer } from './graphql-ws.server.js';
import { MatchEventBus } from './match-event-bus.js';

const KEY: Actor = { kind: 'apiKey', keyId: 'k1', scopes: ['read'], galleryId: null, createdById: 'u1' };

describe('the graphql-ws endpoint', () => {
  let httpServer: http.Server | undefined;
  let endpoint: GraphQLWebSocketServer | undefined;

  afterEach(async () => {
    await endpoint?.close();
    await new Promise((resolve) => httpServer?.close(resolve));
  });

  async function connectAndSubscribe(authenticate: ReturnType<typeof vi.fn>) {
    const bus = new MatchEventBus();
    const services = {
      auth: { authenticate },
      liveFeed: { subscribe: async () => bus.subscribe(() => true) },
    } as unknown as Services;
    const logger = pino({ level: 'silent' });
    httpServer = http.createServer();
    endpoint = attachGraphQLWebSocket({
      httpServer,
      path: '/graphql',
      schema: makeExecutableSchema({ typeDefs: loadTypeDefs(), resolvers }),
      services,
      logger,
      validationRules: [],
      formatError: createFormatError(logger),
      recheckIntervalMs: 100,
    });
    await new Promise<void>((resolve) => httpServer!.listen(0, '127.0.0.1', resolve));
    const { port } = httpServer.address() as AddressInfo;
    const client = createClient({
      url: `ws://127.0.0.1:${port}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: 'Bearer fl_x_y' },
      retryAttempts: 0,
    });
    const events = client.iterate({ query: 'subscription { matchEvents(galleryId: "g") { eventId } }' });
    return { bus, client, events };
  }

  it('refuses variables that do not fit their types with BAD_USER_INPUT, as over HTTP, not INTERNAL', async () => {
    const authenticate = vi.fn().mockResolvedValue({ actor: KEY });
    const { client, events } = await connectAndSubscribe(authenticate);
    await events.return?.();
    const subscribe = (variables: Record<string, unknown>) =>
      client
        .iterate({
          query:
            'subscription ($g: ID!, $d: [MatchDecision!]) { matchEvents(galleryId: $g, decisions: $d) { eventId } }',
          variables,
        })
        .next();
    try {
      for (const [variables, message] of [
        [{ g: null }, /"\$g" of non-null type "ID!" must not be null/],
        [{ g: { id: 'g' } }, /"\$g" got invalid value/],
        [{ g: 'g', d: ['BOGUS'] }, /"\$d" got invalid value "BOGUS"/],
        [{ g: 'g', d: [null] }, /"\$d" got invalid value null/],
      ] as const) {
        const refusal = subscribe(variables);
        await expect(refusal).rejects.toEqual([
          expect.objectContaining({
            message: expect.stringMatching(message),
            extensions: { code: 'BAD_USER_INPUT' },
          }),
        ]);
      }
    } finally {
      await client.dispose();
    }
  });

  it('refuses a NUL or a lone surrogate in the input of a subscription with BAD_INPUT naming the field, as the HTTP input guard does', async () => {
    const authenticate = vi.fn().mockResolvedValue({ actor: KEY });
    const { client, events } = await connectAndSubscribe(authenticate);
    await events.return?.();
    const refusalOf = (query: string, variables?: Record<string, unknown>) =>
      client.iterate({ query, ...(variables && { variables }) }).next();
    const byVariable = 'subscription ($g: ID!) { matchEvents(galleryId: $g) { eventId } }';
    try {
      for (const [refusal, field] of [
        [refusalOf(byVariable, { g: 'g\u0000' }), 'g'],
        [refusalOf(byVariable, { g: 'g\ud800' }), 'g'],
        [refusalOf('subscription { matchEvents(galleryId: "g\\u0000") { eventId } }'), 'galleryId'],
      ] as const) {
        await expect(refusal).rejects.toEqual([
          expect.objectContaining({
            message: expect.stringContaining(field),
            extensions: expect.objectContaining({ code: 'BAD_INPUT', field }),
          }),
        ]);
      }
    } finally {
      await client.dispose();
    }
  });

  it('closes a connection with 4401 once its key stops authenticating', async () => {
    const authenticate = vi
      .fn()
      .mockResolvedValueOnce({ actor: KEY })
      .mockRejectedValue(new AppError(ErrorCode.UNAUTHENTICATED, 'revoked'));
    const { bus, client, events } = await connectAndSubscribe(authenticate);
    try {
      await expect(events.next()).rejects.toMatchObject({ code: 4401 });
      const credentials = { authorization: 'Bearer fl_x_y', sessionToken: undefined };
      // connecting is the key's request; the re-checks are the server's and take no rate-limit token
      expect(authenticate.mock.calls[0]).toEqual([credentials, { countRequest: true }]);
      expect(authenticate.mock.calls[1]).toEqual([credentials, { countRequest: false }]);
      await vi.waitFor(() => expect(bus.listenerCount).toBe(0));
    } finally {
      await client.dispose();
    }
  });

  it('closes a connection with 4403 when the access of its key changed', async () => {
    const authenticate = vi
      .fn()
      .mockResolvedValueOnce({ actor: KEY })
      .mockResolvedValue({ actor: { ...KEY, galleryId: 'another' } });
    const { client, events } = await connectAndSubscribe(authenticate);
    try {
      await expect(events.next()).rejects.toMatchObject({ code: 4403 });
    } finally {
      await client.dispose();
    }
  });
});
