import { TEST_DATABASE_MODES } from '@faceledger/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, createApiKeyWithId } from '../../../test/auth-helpers.js';
import { readErrorResponse } from '../../../test/error-response.js';
import { startTestServer, type TestServer } from '../../../test/test-server.js';

// In memory on PGlite, in api_key_rate_buckets on PostgreSQL (auth-limiters.ts): both are served.
describe.each(TEST_DATABASE_MODES)('per-key rate limit over HTTP (%s)', (mode) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(mode, { auth: { apiKeyRateLimits: { perMinute: 1, burst: 2 } } });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('answers requests over the limit with 429, RATE_LIMITED and Retry-After, per key', async () => {
    const first = await createApiKey(server, ['read']);
    const second = await createApiKey(server, ['read']);
    const ask = (headers: Record<string, string>) =>
      fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query: '{ viewer { apiKey { prefix } } }' }),
      });
    expect((await ask(first)).status).toBe(200);
    expect((await ask(first)).status).toBe(200);
    const limited = await ask(first);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    const body = (await limited.json()) as {
      errors: Array<{ message: string; extensions: { code: string } }>;
    };
    expect(body.errors[0]?.extensions.code).toBe('RATE_LIMITED');
    expect(body.errors[0]?.message).toMatch(/Wait \d+ s/);
    expect((await ask(second)).status).toBe(200);
  });

  it('does not charge the key for the re-checks the server makes of an open WebSocket', async () => {
    const key = await createApiKeyWithId(server, ['read']);
    for (let i = 0; i < 5; i++) {
      const { actor } = await server.services.auth.authenticate(
        { authorization: key.headers.authorization, sessionToken: undefined },
        { countRequest: false },
      );
      expect(actor.kind).toBe('apiKey');
    }
    const ask = () =>
      fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...key.headers },
        body: JSON.stringify({ query: '{ viewer { apiKey { prefix } } }' }),
      });
    expect((await ask()).status).toBe(200);
    expect((await ask()).status).toBe(200);
    expect((await ask()).status).toBe(429);
  });

  it('answers a REST route over the limit with the same 429, Retry-After and error shape', async () => {
    const key = await createApiKey(server, ['read']);
    const image = () => fetch(`${server.url}/api/images/${'0'.repeat(64)}`, { headers: key });
    expect((await image()).status).toBe(404);
    expect((await image()).status).toBe(404);
    const limited = await readErrorResponse(await image());
    expect(limited).toMatchObject({ status: 429, extensions: { code: 'RATE_LIMITED' } });
    expect(Number(limited.retryAfter)).toBeGreaterThan(0);
    expect(limited.extensions.retryAfterSeconds).toBe(Number(limited.retryAfter));
    expect(limited.message).toMatch(/Wait \d+ s/);
  });
});
