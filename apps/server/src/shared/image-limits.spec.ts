import { readFile } from 'node:fs/promises';
import { TEST_DATABASE_MODES } from '@faceledger/db/testing';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, type AuthHeaders } from '../../test/auth-helpers.js';
import { addGallery, addIdentity } from '../../test/graphql-helpers.js';
import { lfwImage } from '../../test/test-data.js';
import { useTestServer, type TestServer } from '../../test/test-server.js';
import { MAX_IMAGE_PIXELS } from './image-limits.js';

/** A real LFW JPEG whose frame header (SOF) is patched to claim `width` x `height`: a few KB that would decode to gigabytes. */
async function jpegClaiming(width: number, height: number): Promise<Buffer> {
  const bytes = Buffer.from(await readFile(lfwImage('Colin_Powell', 1)));
  for (let i = 2; i < bytes.length - 9;) {
    if (bytes[i] !== 0xff) throw new Error('not a JPEG segment');
    const marker = bytes[i + 1]!;
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      bytes.writeUInt16BE(height, i + 5);
      bytes.writeUInt16BE(width, i + 7);
      return bytes;
    }
    i += 2 + bytes.readUInt16BE(i + 2);
  }
  throw new Error('no SOF segment');
}

const LIMIT_MESSAGE = /The image is 6000x6000 \(36\.0 MP\); the limit is 24\.0 MP\. Downscale it/;

describe.each(TEST_DATABASE_MODES)('images over the pixel limit on %s', (mode) => {
  let server: TestServer;
  let admin: AuthHeaders;
  let bomb: Buffer;
  let galleryId: string;
  let identityId: string;

  useTestServer(mode, (started) => (server = started), { recognition: true });
  beforeAll(async () => {
    bomb = await jpegClaiming(6000, 6000);
    admin = await adminHeaders(server);
    galleryId = await addGallery(server, { name: 'Staff', matchThreshold: 0.92 }, admin);
    identityId = await addIdentity(server, { galleryId, externalId: 'p1', displayName: 'Person One' }, admin);
  });

  it('is a small real JPEG whose header claims 36 MP', async () => {
    expect(bomb.length).toBeLessThan(20_000);
    expect(await sharp(bomb).metadata()).toMatchObject({ format: 'jpeg', width: 6000, height: 6000 });
    expect(6000 * 6000).toBeGreaterThan(MAX_IMAGE_PIXELS);
  });

  it('is refused as BAD_IMAGE naming the limit by enroll, identify, verify, compare and detect', async () => {
    const image = { base64: bomb.toString('base64') };
    const real = { base64: (await readFile(lfwImage('Colin_Powell', 2))).toString('base64') };
    const calls: Array<[string, Record<string, unknown>]> = [
      [
        'mutation ($id: ID!, $image: ImageInput!) { enrollFace(identityId: $id, image: $image) { __typename } }',
        { id: identityId, image },
      ],
      [
        'mutation ($g: ID!, $image: ImageInput!) { identify(galleryId: $g, image: $image) { latencyMs } }',
        { g: galleryId, image },
      ],
      [
        'mutation ($id: ID!, $image: ImageInput!) { verify(identityId: $id, image: $image) { match } }',
        { id: identityId, image },
      ],
      [
        'mutation ($a: ImageInput!, $b: ImageInput!) { compareFaces(imageA: $a, imageB: $b) { score } }',
        { a: real, b: image },
      ],
      ['mutation ($image: ImageInput!) { detectFaces(image: $image) { width } }', { image }],
    ];
    for (const [query, variables] of calls) {
      const body = await server.graphql(query, variables, admin);
      expect(body.errors?.[0]?.extensions, query).toMatchObject({
        code: 'BAD_IMAGE',
        reason: 'IMAGE_TOO_LARGE',
      });
      expect(body.errors?.[0]?.message, query).toMatch(LIMIT_MESSAGE);
    }
  });

  it('is refused by POST /api/uploads before it is stored (BAD_IMAGE naming the limit)', async () => {
    const form = new FormData();
    form.append('image', new Blob([bomb], { type: 'image/jpeg' }), 'bomb.jpg');
    const response = await fetch(`${server.url}/api/uploads`, { method: 'POST', body: form, headers: admin });
    // POST /api/uploads answers every BAD_IMAGE with 400 (docs/API.md).
    expect(response.status).toBe(400);
    const body = (await response.json()) as {
      errors: Array<{ message: string; extensions: Record<string, unknown> }>;
    };
    expect(body.errors[0]?.extensions).toMatchObject({ code: 'BAD_IMAGE', maxPixels: MAX_IMAGE_PIXELS });
    expect(body.errors[0]?.message).toMatch(LIMIT_MESSAGE);
  });

  it('gets no thumbnail made from a stored image over the limit', async () => {
    const key = await server.imageStore.put(bomb);
    await expect(server.imageStore.thumbnail(key)).rejects.toMatchObject({
      code: 'BAD_IMAGE',
      message: expect.stringMatching(LIMIT_MESSAGE),
    });
  });
});
