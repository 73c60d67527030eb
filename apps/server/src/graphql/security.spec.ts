import { TEST_DATABASE_MODES } from '@faceledger/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readErrorResponse } from '../../test/error-response.js';
import { startTestServer, type TestServer } from '../../test/test-server.js';
import { QUERY_LIMITS } from './security.js';

// Limits do not depend on the database; one mode is enough.
describe.each(TEST_DATABASE_MODES.slice(0, 1))('request limits (%s)', (mode) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(mode);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('refuses a query with more aliases than allowed, with a validation error', async () => {
    const aliases = Array.from({ length: QUERY_LIMITS.maxAliases + 1 }, (_, i) => `a${i}: health { ok }`).join(' ');
    const body = await server.graphql(`{ ${aliases} }`);
    expect(body.data).toBeUndefined();
    expect(body.errors?.[0]?.message).toMatch(/alias/i);
  });

  it('answers a body over the size limit with PAYLOAD_TOO_LARGE and a hint', async () => {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ health { ok } }', variables: { pad: 'x'.repeat(16 * 1024 * 1024) } }),
    });
    const refused = await readErrorResponse(response);
    expect(refused).toMatchObject({ status: 413, extensions: { code: 'PAYLOAD_TOO_LARGE' } });
    expect(refused.message).toMatch(/api\/uploads/);
  });

  it('answers a body that is not JSON with BAD_INPUT', async () => {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query": ',
    });
    expect(await readErrorResponse(response)).toMatchObject({
      status: 400,
      extensions: { code: 'BAD_INPUT' },
    });
  });
});
