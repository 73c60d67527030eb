import { TEST_DATABASE_MODES } from '@faceledger/db/testing';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { adminHeaders } from '../../test/auth-helpers.js';
import { readErrorResponse } from '../../test/error-response.js';
import { useTestServer, type TestServer } from '../../test/test-server.js';
import { createApp } from '../app.js';
import { loadEnv } from '../env.js';
import { INTROSPECTION_OFF_MESSAGE, QUERY_LIMITS } from './security.js';

const INTROSPECTION = '{ __schema { queryType { name } } __type(name: "Identity") { name } }';

// Limits do not depend on the database; one mode is enough.
describe.each(TEST_DATABASE_MODES.slice(0, 1))('request limits (%s)', (mode) => {
  let server: TestServer;
  useTestServer(mode, (started) => (server = started));

  it('refuses a query with more aliases than allowed, with a validation error', async () => {
    const aliases = Array.from(
      { length: QUERY_LIMITS.maxAliases + 1 },
      (_, i) => `a${i}: health { ok }`,
    ).join(' ');
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

  it('answers a body in another charset, an unknown or broken Content-Encoding or cut short with BAD_INPUT', async () => {
    const json = JSON.stringify({ query: '{ health { ok } }' });
    const send = (headers: Record<string, string>, body: string | Buffer = json) =>
      fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });
    for (const charset of ['latin1', 'utf-99']) {
      const refused = await readErrorResponse(
        await send({ 'content-type': `application/json; charset=${charset}` }),
      );
      expect(refused).toMatchObject({
        status: 400,
        extensions: { code: 'BAD_INPUT', field: 'content-type' },
      });
      expect(refused.message).toMatch(/UTF-8/);
    }
    const unknownEncoding = await readErrorResponse(await send({ 'content-encoding': 'bogus' }));
    expect(unknownEncoding).toMatchObject({
      status: 400,
      extensions: { code: 'BAD_INPUT', field: 'content-encoding' },
    });
    expect(unknownEncoding.message).toMatch(/gzip/);
    const notGzip = await readErrorResponse(await send({ 'content-encoding': 'gzip' }));
    expect(notGzip).toMatchObject({ status: 400, extensions: { code: 'BAD_INPUT' } });
    expect(notGzip.message).toMatch(/send the whole body again/);
  });

  it('answers a REST path that is not valid percent-encoding with BAD_INPUT', async () => {
    const admin = await adminHeaders(server);
    for (const path of [
      '/api/images/%E0%A4%A',
      '/api/images/%E0%A4%A/thumbnail?size=64',
      '/api/imports/%zz/errors.csv',
    ]) {
      const refused = await readErrorResponse(await fetch(`${server.url}${path}`, { headers: admin }));
      expect(refused).toMatchObject({ status: 400, extensions: { code: 'BAD_INPUT', field: 'path' } });
      expect(refused.message).toMatch(/encodeURIComponent/);
    }
  });

  it('answers a persisted query with a hash that is not its SHA-256 or another version with BAD_INPUT', async () => {
    for (const persistedQuery of [
      { version: 1, sha256Hash: 'abc' },
      { version: 2, sha256Hash: 'abc' },
    ]) {
      const response = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ health { ok } }', extensions: { persistedQuery } }),
      });
      expect(response.status).toBe(400);
      const body = (await response.json()) as {
        errors: Array<{ message: string; extensions: { code: string } }>;
      };
      expect(body.errors).toHaveLength(1);
      expect(body.errors[0]?.extensions).toEqual({ code: 'BAD_INPUT', field: 'extensions.persistedQuery' });
      expect(body.errors[0]?.message).toMatch(/SHA-256/);
    }
  });

  it('refuses introspection unless the server was started with it on', async () => {
    const refused = await server.graphql(INTROSPECTION);
    expect(refused.data).toBeUndefined();
    expect(refused.errors?.map((e) => e.extensions?.code)).toEqual([
      'GRAPHQL_VALIDATION_FAILED',
      'GRAPHQL_VALIDATION_FAILED',
    ]);
    expect(refused.errors?.[0]?.message).toBe(INTROSPECTION_OFF_MESSAGE);
    // __typename is not introspection: the admin switches on it for union results
    expect((await server.graphql('{ health { __typename } }')).errors).toBeUndefined();

    const open = await createApp({
      services: server.services,
      logger: pino({ level: 'silent' }),
      maxBodyBytes: 1024 * 1024,
      introspection: true,
    });
    await new Promise<void>((resolve) => open.httpServer.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = open.httpServer.address() as AddressInfo;
      const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: INTROSPECTION }),
      });
      expect(await response.json()).toEqual({
        data: { __schema: { queryType: { name: 'Query' } }, __type: { name: 'Identity' } },
      });
    } finally {
      await open.stop();
      await new Promise((resolve) => open.httpServer.close(resolve));
    }
  });
});

describe('FACELEDGER_GRAPHQL_INTROSPECTION', () => {
  it('is off by default and on only for true', () => {
    expect(loadEnv({}).FACELEDGER_GRAPHQL_INTROSPECTION).toBe(false);
    expect(loadEnv({ FACELEDGER_GRAPHQL_INTROSPECTION: 'true' }).FACELEDGER_GRAPHQL_INTROSPECTION).toBe(true);
    expect(loadEnv({ FACELEDGER_GRAPHQL_INTROSPECTION: 'false' }).FACELEDGER_GRAPHQL_INTROSPECTION).toBe(
      false,
    );
    expect(() => loadEnv({ FACELEDGER_GRAPHQL_INTROSPECTION: 'yes please' })).toThrow(
      /FACELEDGER_GRAPHQL_INTROSPECTION/,
    );
  });
});
