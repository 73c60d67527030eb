// The upload routes check the caller and the announced size before they read a byte of the body:
// a refused large POST is answered while the client is still sending, so it costs the server
// neither the transfer nor memory.
import { TEST_DATABASE_MODES } from '@faceledger/db/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, createApiKey, createUserAndSignIn, type AuthHeaders } from '../../test/auth-helpers.js';
import { slowMultipartPost, type SlowPostResult } from '../../test/slow-post.js';
import { useTestServer, type TestServer } from '../../test/test-server.js';

const LARGE = 64 * 1024 * 1024;

/** The answer came while most of the body was still unsent: the server did not wait for it. */
function expectAnsweredEarly(result: SlowPostResult): void {
  expect(result.bytesSent).toBeGreaterThanOrEqual(0);
  expect(result.bytesSent).toBeLessThan(result.declaredBytes / 2);
  expect(result.headers.connection).toBe('close');
}

function codeOf(result: SlowPostResult): string | undefined {
  return (JSON.parse(result.body) as { errors: Array<{ extensions: { code: string } }> }).errors[0]?.extensions
    .code;
}

// Callers and sizes are checked from the headers alone; the database only answers who is calling.
describe.each(TEST_DATABASE_MODES.slice(0, 1))('upload routes refuse before reading the body (%s)', (mode) => {
  let server: TestServer;
  let wrongRole: Record<string, AuthHeaders>;

  useTestServer(mode, (started) => (server = started));
  beforeAll(async () => {
    wrongRole = {
      '/api/uploads': await createUserAndSignIn(server, 'AUDITOR'),
      '/api/imports': await createUserAndSignIn(server, 'REVIEWER'),
      '/api/evaluations': await createUserAndSignIn(server, 'HR'),
    };
  });

  for (const path of ['/api/uploads', '/api/imports', '/api/evaluations']) {
    it(`answers an anonymous large POST to ${path} with 401 before the body is sent`, async () => {
      const result = await slowMultipartPost(server.url, path, { declaredBytes: LARGE });
      expect(result.status).toBe(401);
      expect(codeOf(result)).toBe('UNAUTHENTICATED');
      expectAnsweredEarly(result);
    });

    it(`answers a chunked anonymous POST to ${path} with 401 before the body is sent`, async () => {
      const result = await slowMultipartPost(server.url, path, { declaredBytes: LARGE, chunked: true });
      expect(result.status).toBe(401);
      expectAnsweredEarly(result);
    });

    it(`answers a large POST to ${path} by a role without the permission with 403 before the body is sent`, async () => {
      const result = await slowMultipartPost(server.url, path, {
        declaredBytes: LARGE,
        headers: wrongRole[path],
      });
      expect(result.status).toBe(403);
      expect(codeOf(result)).toBe('FORBIDDEN');
      expectAnsweredEarly(result);
    });
  }

  it('answers an API key without an upload scope, and any key on the job routes, with 403 before the body', async () => {
    const readKey = await createApiKey(server, ['read']);
    const enrollKey = await createApiKey(server, ['enroll']);
    for (const [path, headers] of [
      ['/api/uploads', readKey],
      ['/api/imports', enrollKey],
      ['/api/evaluations', enrollKey],
    ] as const) {
      const result = await slowMultipartPost(server.url, path, { declaredBytes: LARGE, headers });
      expect(result.status, path).toBe(403);
      expectAnsweredEarly(result);
    }
  });

  it('answers a permitted POST whose Content-Length is over the route limit with 413 naming the limit, before the body', async () => {
    const result = await slowMultipartPost(server.url, '/api/uploads', {
      declaredBytes: LARGE,
      field: 'image',
      headers: await adminHeaders(server),
    });
    expect(result.status).toBe(413);
    expect(codeOf(result)).toBe('PAYLOAD_TOO_LARGE');
    expect(result.body).toMatch(/larger than 21 MB/);
    expectAnsweredEarly(result);
  });

  it('stops reading a chunked permitted POST at the first byte past the route limit and answers 413', async () => {
    const result = await slowMultipartPost(server.url, '/api/uploads', {
      declaredBytes: LARGE,
      field: 'image',
      chunked: true,
      headers: await adminHeaders(server),
    });
    expect(result.status).toBe(413);
    expect(codeOf(result)).toBe('PAYLOAD_TOO_LARGE');
    expectAnsweredEarly(result);
  });
});
