import { readFile } from 'node:fs/promises';
import { TEST_DATABASE_MODES } from '@faceledger/db/testing';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, createApiKeyWithId, createUserAndSignIn } from '../../../test/auth-helpers.js';
import { lfwImage } from '../../../test/test-data.js';
import { useTestServer, type TestServer } from '../../../test/test-server.js';

describe.each(TEST_DATABASE_MODES)('GET /api/images on %s', (mode) => {
  let server: TestServer;
  let key: string;
  let original: Buffer;
  useTestServer(mode, (started) => (server = started));
  beforeAll(async () => {
    original = await readFile(lfwImage('AJ_Cook', 1));
    key = await server.imageStore.put(original);
  });

  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${path}`, { headers });

  it('serves the original to an admin, privately cached, with its size', async () => {
    const response = await get(`/api/images/${key}`, await adminHeaders(server));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/jpeg');
    expect(response.headers.get('cache-control')).toMatch(/^private/);
    expect(response.headers.get('x-image-width')).toBe('250');
    expect(response.headers.get('x-image-height')).toBe('250');
    expect(Buffer.from(await response.arrayBuffer()).equals(original)).toBe(true);
  });

  it('serves a JPEG thumbnail of the asked size to HR and REVIEWER', async () => {
    for (const role of ['HR', 'REVIEWER'] as const) {
      const response = await get(
        `/api/images/${key}/thumbnail?size=128`,
        await createUserAndSignIn(server, role),
      );
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('image/jpeg');
      expect(response.headers.get('cache-control')).toMatch(/^private/);
      expect(response.headers.get('x-image-width')).toBe('250');
      const meta = await sharp(Buffer.from(await response.arrayBuffer())).metadata();
      expect(meta.format).toBe('jpeg');
      expect(Math.max(meta.width ?? 0, meta.height ?? 0)).toBe(128);
    }
  });

  it('defaults the thumbnail to 256 px, never enlarging a smaller original', async () => {
    const response = await get(`/api/images/${key}/thumbnail`, await adminHeaders(server));
    expect(response.status).toBe(200);
    const meta = await sharp(Buffer.from(await response.arrayBuffer())).metadata();
    expect(meta.width).toBe(250);
  });

  it('answers 404 with a typed JSON error for unknown and malformed keys', async () => {
    const headers = await adminHeaders(server);
    for (const path of [
      `/api/images/${'0'.repeat(64)}`,
      `/api/images/${'0'.repeat(64)}/thumbnail`,
      '/api/images/..%2Fetc',
    ]) {
      const response = await get(path, headers);
      expect(response.status).toBe(404);
      const body = (await response.json()) as { errors: Array<{ extensions: { code: string } }> };
      expect(body.errors[0]?.extensions.code).toBe('NOT_FOUND');
    }
  });

  it('answers 422 BAD_IMAGE, not INTERNAL, for a stored image that cannot be decoded into a thumbnail', async () => {
    // A real photo cut after its header: the header reads, the pixels do not.
    const truncated = await server.imageStore.put(original.subarray(0, Math.floor(original.length / 3)));
    const response = await get(`/api/images/${truncated}/thumbnail`, await adminHeaders(server));
    expect(response.status).toBe(422);
    const body = (await response.json()) as {
      errors: Array<{ message: string; extensions: { code: string } }>;
    };
    expect(body.errors[0]?.extensions.code).toBe('BAD_IMAGE');
    expect(body.errors[0]?.message).toMatch(/cannot be decoded/);
  });

  it('refuses sizes outside the supported set', async () => {
    const response = await get(`/api/images/${key}/thumbnail?size=300`, await adminHeaders(server));
    expect(response.status).toBe(400);
    const body = (await response.json()) as {
      errors: Array<{ extensions: { code: string; field?: string } }>;
    };
    expect(body.errors[0]?.extensions).toMatchObject({ code: 'BAD_INPUT', field: 'size' });
  });

  it('answers 401 to visitors and 403 to roles and keys that may not read identities', async () => {
    expect((await get(`/api/images/${key}`)).status).toBe(401);
    expect((await get(`/api/images/${key}/thumbnail`)).status).toBe(401);
    const auditor = await createUserAndSignIn(server, 'AUDITOR');
    const forbidden = await get(`/api/images/${key}`, auditor);
    expect(forbidden.status).toBe(403);
    expect(
      ((await forbidden.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]?.extensions
        .code,
    ).toBe('FORBIDDEN');
    const detectKey = await createApiKeyWithId(server, ['detect']);
    expect((await get(`/api/images/${key}`, detectKey.headers)).status).toBe(403);
  });

  it('serves unrestricted read keys, but not keys limited to one gallery (images are not filed by gallery)', async () => {
    const readKey = await createApiKeyWithId(server, ['read']);
    expect((await get(`/api/images/${key}`, readKey.headers)).status).toBe(200);
    const created = await server.graphql<{ createGallery: { id: string } }>(
      'mutation { createGallery(input: { name: "images-restricted", matchThreshold: 0.9 }) { id } }',
      {},
      await adminHeaders(server),
    );
    const galleryId = created.data?.createGallery.id;
    expect(galleryId).toBeDefined();
    const restricted = await createApiKeyWithId(server, ['read'], galleryId);
    const refused = await get(`/api/images/${key}/thumbnail`, restricted.headers);
    expect(refused.status).toBe(403);
    const body = (await refused.json()) as { errors: Array<{ message: string }> };
    expect(body.errors[0]?.message).toMatch(/limited to one gallery/);
  });
});
