// The cross-site guard of the session cookie: the header rules (Sec-Fetch-Site, else Origin by
// scheme, host and port), then the REST routes over HTTP on both databases.
import type http from 'node:http';
import { readFile } from 'node:fs/promises';
import { TEST_DATABASE_MODES } from '@faceledger/db/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, createUserAndSignIn, type AuthHeaders } from '../../test/auth-helpers.js';
import { readErrorResponse } from '../../test/error-response.js';
import { lfwImage } from '../../test/test-data.js';
import { useTestServer, type TestServer } from '../../test/test-server.js';
import { credentialsOf } from '../modules/live-feed/graphql-ws.server.js';
import { isCrossSiteRequest, ownOrigins } from './origin-check.js';

function request(headers: http.IncomingHttpHeaders, encrypted = false): http.IncomingMessage {
  return { headers, socket: { encrypted } } as unknown as http.IncomingMessage;
}

describe('isCrossSiteRequest', () => {
  const host = 'api.local:4000';

  it('believes Sec-Fetch-Site first: same-origin and none pass, same-site and cross-site do not', () => {
    expect(isCrossSiteRequest(request({ host, 'sec-fetch-site': 'same-origin' }))).toBe(false);
    expect(isCrossSiteRequest(request({ host, 'sec-fetch-site': 'none' }))).toBe(false);
    expect(isCrossSiteRequest(request({ host, 'sec-fetch-site': 'same-site' }))).toBe(true);
    expect(isCrossSiteRequest(request({ host, 'sec-fetch-site': 'cross-site' }))).toBe(true);
  });

  it('else compares the Origin by scheme, host and port', () => {
    expect(isCrossSiteRequest(request({ host }))).toBe(false);
    expect(isCrossSiteRequest(request({ host, origin: 'http://api.local:4000' }))).toBe(false);
    expect(isCrossSiteRequest(request({ host, origin: 'http://API.local:4000' }))).toBe(false);
    expect(isCrossSiteRequest(request({ host, origin: 'http://api.local:3000' }))).toBe(true);
    expect(isCrossSiteRequest(request({ host, origin: 'https://api.local:4000' }))).toBe(true);
    expect(isCrossSiteRequest(request({ host, origin: 'http://api.local' }))).toBe(true);
    expect(isCrossSiteRequest(request({ host, origin: 'https://evil.example' }))).toBe(true);
    expect(isCrossSiteRequest(request({ host, origin: 'null' }))).toBe(true);
    expect(isCrossSiteRequest(request({ origin: 'http://api.local:4000' }))).toBe(true);
    // default ports are the same origin written either way; TLS makes the scheme https
    expect(isCrossSiteRequest(request({ host: 'api.local', origin: 'http://api.local:80' }))).toBe(false);
    expect(isCrossSiteRequest(request({ host: 'api.local', origin: 'https://api.local' }, true))).toBe(false);
    expect(isCrossSiteRequest(request({ host: 'api.local', origin: 'http://api.local' }, true))).toBe(true);
  });

  it("accepts the origin a proxy in front reports (the admin's rewrites), and only that one", () => {
    const proxied = {
      host: '127.0.0.1:4000',
      'x-forwarded-host': 'admin.local:3000',
      'x-forwarded-proto': 'https',
    };
    expect(ownOrigins(request(proxied))).toEqual(['https://127.0.0.1:4000', 'https://admin.local:3000']);
    expect(isCrossSiteRequest(request({ ...proxied, origin: 'https://admin.local:3000' }))).toBe(false);
    expect(isCrossSiteRequest(request({ ...proxied, origin: 'http://admin.local:3000' }))).toBe(true);
    expect(isCrossSiteRequest(request({ ...proxied, origin: 'https://admin.local:3001' }))).toBe(true);
  });
});

describe('the WebSocket upgrade (credentialsOf)', () => {
  it('takes the session cookie only from an Origin with the same scheme, host and port', () => {
    const cookie = 'faceledger_session=t';
    const token = (headers: http.IncomingHttpHeaders, encrypted = false) =>
      credentialsOf(undefined, request({ cookie, host: 'api.local:4000', ...headers }, encrypted))
        .sessionToken;
    expect(token({})).toBe('t');
    expect(token({ origin: 'http://api.local:4000' })).toBe('t');
    expect(token({ origin: 'https://api.local:4000' }, true)).toBe('t');
    expect(token({ origin: 'http://api.local:3000' })).toBeUndefined();
    expect(token({ origin: 'https://api.local:4000' })).toBeUndefined();
    expect(token({ origin: 'http://api.local:4000' }, true)).toBeUndefined();
    expect(token({ origin: 'http://evil.example:4000' })).toBeUndefined();
    expect(token({ origin: 'http://api.local:4000', 'sec-fetch-site': 'cross-site' })).toBeUndefined();
  });
});

describe.each(TEST_DATABASE_MODES)('REST routes with the session cookie on %s', (mode) => {
  let server: TestServer;
  let admin: AuthHeaders;
  useTestServer(mode, (started) => (server = started));
  beforeAll(async () => {
    admin = await createUserAndSignIn(server, 'ADMIN');
  });

  const exportAudit = (headers: Record<string, string>) =>
    fetch(`${server.url}/api/audit/export`, { headers });

  it('refuses a request another site made with the cookie, with 403 FORBIDDEN and what to do', async () => {
    const port = Number(new URL(server.url).port);
    const crossSite: Array<Record<string, string>> = [
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
      { origin: 'https://evil.example' },
      { origin: `http://127.0.0.1:${port + 1}` },
      { origin: `https://127.0.0.1:${port}` },
    ];
    for (const headers of crossSite) {
      const refused = await readErrorResponse(await exportAudit({ ...admin, ...headers }));
      expect(refused, JSON.stringify(headers)).toMatchObject({
        status: 403,
        extensions: { code: 'FORBIDDEN' },
      });
      expect(refused.message).toMatch(/another site .*API key/);
    }
    const form = new FormData();
    form.append('image', new Blob([await readFile(lfwImage('Colin_Powell', 1))]), 'probe.jpg');
    const upload = await fetch(`${server.url}/api/uploads`, {
      method: 'POST',
      headers: { ...admin, origin: 'https://evil.example' },
      body: form,
    });
    expect(await readErrorResponse(upload)).toMatchObject({ status: 403, extensions: { code: 'FORBIDDEN' } });
    expect(await server.db.prisma.pendingUpload.count()).toBe(0);
  });

  it("serves the dashboard's own requests, the proxy's, those without browser headers, and API keys", async () => {
    const port = Number(new URL(server.url).port);
    const allowed: Array<Record<string, string>> = [
      {},
      { 'sec-fetch-site': 'same-origin' },
      { 'sec-fetch-site': 'none' },
      { origin: server.url },
      { origin: `http://localhost:${port}`, 'x-forwarded-host': `localhost:${port}` },
      {
        origin: 'http://admin.local:3000',
        'x-forwarded-host': 'admin.local:3000',
        'sec-fetch-site': 'same-origin',
      },
    ];
    for (const headers of allowed) {
      const response = await exportAudit({ ...admin, ...headers });
      expect(response.status, JSON.stringify(headers)).toBe(200);
      await response.body?.cancel();
    }
    // an API key is not ambient: a page cannot make the browser send it (here it lacks audit.export)
    const key = await createApiKey(server, ['read']);
    const withKey = await readErrorResponse(await exportAudit({ ...key, origin: 'https://evil.example' }));
    expect(withKey).toMatchObject({ status: 403, extensions: { code: 'FORBIDDEN' } });
    expect(withKey.message).toMatch(/scope/);
    // without credentials the route itself answers
    const anonymous = await exportAudit({ origin: 'https://evil.example' });
    expect(await readErrorResponse(anonymous)).toMatchObject({
      status: 401,
      extensions: { code: 'UNAUTHENTICATED' },
    });
  });
});
