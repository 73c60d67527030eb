import { readFile } from 'node:fs/promises';
import { TEST_DATABASE_MODES } from '@faceledger/db/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  adminHeaders,
  createApiKey,
  createUserAndSignIn,
  type AuthHeaders,
} from '../../../test/auth-helpers.js';
import { readErrorResponse } from '../../../test/error-response.js';
import { lfwImage } from '../../../test/test-data.js';
import { useTestServer, type TestServer } from '../../../test/test-server.js';
import { MAX_UPLOAD_BYTES } from './uploads.service.js';

// The route stores bytes and checks callers and limits; none of that depends on the database.
describe.each(TEST_DATABASE_MODES.slice(0, 1))('POST /api/uploads (%s)', (mode) => {
  let server: TestServer;
  let admin: AuthHeaders;
  let photo: Buffer;
  useTestServer(mode, (started) => (server = started));
  beforeAll(async () => {
    admin = await adminHeaders(server);
    photo = await readFile(lfwImage('AJ_Cook', 1));
  });

  /** Posts a multipart form with the given files (field name, bytes). */
  const upload = (files: ReadonlyArray<readonly [field: string, bytes: Uint8Array]>, headers = admin) => {
    const form = new FormData();
    for (const [field, bytes] of files) form.append(field, new Blob([bytes]), `${field}.jpg`);
    return fetch(`${server.url}/api/uploads`, { method: 'POST', body: form, headers });
  };

  it('stores a photo and answers 201 with its upload id', async () => {
    const response = await upload([['image', photo]]);
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({
      uploadId: expect.stringMatching(/^[0-9a-f]{64}$/),
      bytes: photo.length,
    });
  });

  it('refuses an empty file or one that is no image as BAD_IMAGE (HTTP 400), in the GraphQL error shape', async () => {
    const refused = await readErrorResponse(await upload([['image', new Uint8Array(0)]]));
    expect(refused).toMatchObject({ status: 400, extensions: { code: 'BAD_IMAGE' } });
    expect(refused.message).toMatch(/empty; send the image file/);
    const text = await readErrorResponse(
      await upload([['image', Buffer.from('name,department\nAda,R&D\n')]]),
    );
    expect(text).toMatchObject({ status: 400, extensions: { code: 'BAD_IMAGE' } });
    expect(text.message).toMatch(/not an image file; send a photo/);
  });

  it('refuses an SVG (vector, not a photo) as BAD_IMAGE (HTTP 400) and stores nothing', async () => {
    const svg = Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="200"><rect width="200" height="200" fill="#c84"/></svg>',
    );
    const before = await server.db.prisma.pendingUpload.count();
    const refused = await readErrorResponse(await upload([['image', svg]]));
    expect(refused).toMatchObject({ status: 400, extensions: { code: 'BAD_IMAGE', format: 'svg' } });
    expect(refused.message).toMatch(/SVG file, not a photo; send a photo \(JPEG, PNG/);
    expect(await server.db.prisma.pendingUpload.count()).toBe(before);
  });

  it('refuses a file over the size limit as PAYLOAD_TOO_LARGE (HTTP 413)', async () => {
    const refused = await readErrorResponse(await upload([['image', new Uint8Array(MAX_UPLOAD_BYTES + 1)]]));
    expect(refused).toMatchObject({ status: 413, extensions: { code: 'PAYLOAD_TOO_LARGE' } });
    expect(refused.message).toMatch(/larger than 20 MB, the limit per file; send a smaller one/);
    expect(refused.extensions).toMatchObject({ field: 'image', limitBytes: MAX_UPLOAD_BYTES });
  });

  it('refuses a form without the "image" field, or with two files, as BAD_INPUT (HTTP 400)', async () => {
    for (const files of [
      [],
      [['photo', photo]],
      [
        ['image', photo],
        ['image', photo],
      ],
    ] as const) {
      const refused = await readErrorResponse(await upload(files));
      expect(refused).toMatchObject({ status: 400, extensions: { code: 'BAD_INPUT' } });
      expect(refused.message).toMatch(/field "image"/);
    }
  });

  it('refuses a malformed multipart body as BAD_INPUT (HTTP 400), and an unknown /api path as NOT_FOUND (404)', async () => {
    const truncated = await fetch(`${server.url}/api/uploads`, {
      method: 'POST',
      headers: { ...admin, 'content-type': 'multipart/form-data; boundary=xyz' },
      body: '--xyz\r\nContent-Disposition: form-data; name="image"; filename="a.jpg"\r\n\r\nnot the end',
    });
    const malformed = await readErrorResponse(truncated);
    expect(malformed).toMatchObject({ status: 400, extensions: { code: 'BAD_INPUT' } });
    expect(malformed.message).toMatch(/multipart body could not be read/);
    const unknown = await readErrorResponse(
      await fetch(`${server.url}/api/nothing-here`, { headers: admin }),
    );
    expect(unknown).toMatchObject({ status: 404, extensions: { code: 'NOT_FOUND' } });
    expect(unknown.message).toMatch(/no GET \/api\/nothing-here/);
  });

  it('answers 401 to visitors and a bad key, 403 to callers who may run no recognition call', async () => {
    expect(await readErrorResponse(await upload([['image', photo]], {}))).toMatchObject({
      status: 401,
      extensions: { code: 'UNAUTHENTICATED' },
    });
    expect(
      await readErrorResponse(
        await upload([['image', photo]], { authorization: 'Bearer fl_000000000000_nope' }),
      ),
    ).toMatchObject({ status: 401, extensions: { code: 'UNAUTHENTICATED' } });
    for (const headers of [
      await createUserAndSignIn(server, 'AUDITOR'),
      await createApiKey(server, ['read']),
    ]) {
      expect(await readErrorResponse(await upload([['image', photo]], headers))).toMatchObject({
        status: 403,
        extensions: { code: 'FORBIDDEN' },
      });
    }
  });
});
