// POST /api/detect, /api/identify and /api/verify over HTTP, on PGlite and on PostgreSQL, with real
// LFW photos: the same answers as the GraphQL mutations (personal fields the caller may not read
// are null), the same events, the caller refused before the body, and typed errors for bad input.
import { readFile } from 'node:fs/promises';
import { TEST_DATABASE_MODES } from '@faceledger/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  adminHeaders,
  createApiKey,
  createApiKeyWithId,
  type AuthHeaders,
} from '../../../test/auth-helpers.js';
import { slowMultipartPost, type SlowPostResult } from '../../../test/slow-post.js';
import { deepfaceImage, lfwImage } from '../../../test/test-data.js';
import { startTestServer, type TestServer } from '../../../test/test-server.js';

/** Every field of IdentifyResult (and Identity, Face) the REST answer mirrors. */
const IDENTIFY = `
  mutation ($galleryId: ID!, $image: ImageInput!, $topK: Int) {
    identify(galleryId: $galleryId, image: $image, topK: $topK) {
      galleryId threshold modelId facesTruncated
      faces {
        decision score
        identity { id galleryId displayName externalId status faceCount }
        face { box { x y width height } detectionScore quality { score } }
        candidates { rank score demoted identity { id displayName } face { id modelId } }
      }
    }
  }`;

/** A body far over the routes' limit, which a refused client never finishes sending. */
const LARGE = 32 * 1024 * 1024;

/** The answer came while most of the body was still unsent, and the connection is closed after it. */
function expectAnsweredEarly(result: SlowPostResult): void {
  expect(result.bytesSent).toBeLessThan(result.declaredBytes / 2);
  expect(result.headers.connection).toBe('close');
}

interface RestError {
  errors: Array<{ message: string; extensions: { code: string; [detail: string]: unknown } }>;
}

interface IdentityJson {
  id: string;
  displayName: string | null;
  externalId: string | null;
  metadata: unknown;
  status: string;
}

interface IdentifyJson {
  galleryId: string;
  threshold: number;
  modelId: string;
  latencyMs: number;
  facesTruncated: boolean;
  faces: Array<{
    eventId: string;
    decision: string;
    score: number | null;
    identity: IdentityJson | null;
    face: { box: { x: number; y: number; width: number; height: number }; detectionScore: number };
    candidates: Array<{
      rank: number;
      score: number;
      demoted: boolean;
      identity: IdentityJson;
      face: { id: string; imageKey: string | null; box: unknown; modelId: string } | null;
    }>;
  }>;
}

describe.each(TEST_DATABASE_MODES)('multipart detect, identify and verify on %s', (mode) => {
  let server: TestServer;
  let admin: AuthHeaders;
  let galleryId: string;
  let identifyKey: { id: string; headers: AuthHeaders };
  const identityOf = new Map<string, string>();

  async function gql<T>(query: string, variables: Record<string, unknown>, headers: AuthHeaders = admin) {
    const body = await server.graphql<T>(query, variables, headers);
    expect(body.errors).toBeUndefined();
    return body.data!;
  }

  async function photo(path: string): Promise<Blob> {
    return new Blob([await readFile(path)], { type: 'image/jpeg' });
  }

  /** POSTs a multipart form to /api/<route>. */
  async function post(route: string, fields: Record<string, string | Blob>, headers: AuthHeaders = {}) {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields))
      if (typeof value === 'string') form.set(name, value);
      else form.set(name, value, `${name}.jpg`);
    return fetch(`${server.url}/api/${route}`, { method: 'POST', headers, body: form });
  }

  async function errorOf(res: Response): Promise<RestError['errors'][number]> {
    const body = (await res.json()) as RestError;
    expect(body.errors).toHaveLength(1);
    return body.errors[0]!;
  }

  /** Expects the error answer `status` with extensions.code `code`. */
  async function expectError(res: Response, status: number, code: string): Promise<void> {
    expect(res.status).toBe(status);
    expect((await errorOf(res)).extensions.code).toBe(code);
  }

  /** POST /api/identify of a photo of Colin Powell (enrolled from another photo). */
  async function identifyColin(headers: AuthHeaders, gallery = galleryId): Promise<Response> {
    return post('identify', { image: await photo(lfwImage('Colin_Powell', 2)), galleryId: gallery }, headers);
  }

  beforeAll(async () => {
    server = await startTestServer(mode, { recognition: true });
    expect((await server.recognition.whenSettled()).state).toBe('READY');
    admin = await adminHeaders(server);
    // The default identify threshold: the calibration at this gallery's size (no override).
    galleryId = (
      await gql<{ createGallery: { id: string } }>(
        'mutation ($input: CreateGalleryInput!) { createGallery(input: $input) { id } }',
        { input: { name: 'Door', probeRetentionDays: 7 } },
      )
    ).createGallery.id;
    for (const person of ['Colin_Powell', 'Laura_Bush', 'Jacques_Chirac']) {
      const { createIdentity } = await gql<{ createIdentity: { id: string } }>(
        'mutation ($input: CreateIdentityInput!) { createIdentity(input: $input) { id } }',
        {
          input: {
            galleryId,
            externalId: person,
            displayName: person.replaceAll('_', ' '),
            metadata: { badge: 7 },
          },
        },
      );
      const enrolled = await gql<{ enrollFace: { __typename: string } }>(
        'mutation ($id: ID!, $image: ImageInput!) { enrollFace(identityId: $id, image: $image) { __typename } }',
        {
          id: createIdentity.id,
          image: { base64: (await readFile(lfwImage(person, 1))).toString('base64') },
        },
      );
      expect(enrolled.enrollFace.__typename).toBe('Enrolled');
      identityOf.set(person, createIdentity.id);
    }
    identifyKey = await createApiKeyWithId(server, ['identify'], galleryId);
  }, 300_000);

  afterAll(async () => {
    await server?.close();
  });

  it('identify finds the enrolled person in a JPEG posted as a file, as the GraphQL mutation does', async () => {
    const probe = lfwImage('Colin_Powell', 2);
    const res = await post(
      'identify',
      { image: await photo(probe), galleryId, topK: '3' },
      identifyKey.headers,
    );
    expect(res.status).toBe(200);
    const rest = (await res.json()) as IdentifyJson;
    expect(rest.faces).toHaveLength(1);
    const [face] = rest.faces;
    expect(face!.decision).toBe('MATCH');
    expect(face!.identity).toMatchObject({ id: identityOf.get('Colin_Powell'), displayName: 'Colin Powell' });
    expect(face!.candidates).toHaveLength(3);
    // The identify scope reads who matched, not their metadata nor their enrolled photos.
    expect(face!.identity!.metadata).toBeNull();
    expect(face!.candidates[0]!.face).toMatchObject({ imageKey: null, box: null });

    const { identify } = await gql<{ identify: IdentifyJson }>(
      IDENTIFY,
      { galleryId, image: { base64: (await readFile(probe)).toString('base64') }, topK: 3 },
      identifyKey.headers,
    );
    expect(rest).toMatchObject(identify);
    expect(rest.threshold).toBe(identify.threshold);
    expect(face!.score).toBeCloseTo(identify.faces[0]!.score!, 6);

    // Recorded like the mutation: a match event of this key with the probe's candidates.
    const event = await server.db.prisma.matchEvent.findUniqueOrThrow({ where: { id: face!.eventId } });
    expect(event).toMatchObject({ kind: 'IDENTIFY', decision: 'MATCH', requesterKeyId: identifyKey.id });
  });

  it('identify answers UNKNOWN for a stranger who was never enrolled', async () => {
    const res = await post(
      'identify',
      { image: await photo(lfwImage('Hugo_Chavez', 1)), galleryId },
      identifyKey.headers,
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as IdentifyJson;
    expect(body.faces).toHaveLength(1);
    expect(body.faces[0]).toMatchObject({ decision: 'UNKNOWN', identity: null, score: null });
  });

  it('verify answers MATCH for the person and NO_MATCH for someone else; a signed-in admin reads every field', async () => {
    const verifyColin = async (person: string, n: number, headers: AuthHeaders) => {
      const res = await post(
        'verify',
        { image: await photo(lfwImage(person, n)), identityId: identityOf.get('Colin_Powell')! },
        headers,
      );
      expect(res.status).toBe(200);
      return (await res.json()) as {
        decision: string;
        match: boolean;
        score: number;
        bestFace: Record<string, unknown>;
      };
    };
    const match = await verifyColin('Colin_Powell', 3, await createApiKey(server, ['verify'], galleryId));
    expect(match).toMatchObject({ decision: 'MATCH', match: true });
    // The verify scope reads the best face's id, not its photo nor its geometry.
    expect(match.bestFace).toMatchObject({ imageKey: null, box: null, landmarks: null });
    expect(typeof match.bestFace.id).toBe('string');

    const noMatch = await verifyColin('Jacques_Chirac', 2, admin);
    expect(noMatch).toMatchObject({ decision: 'NO_MATCH', match: false });
    expect(noMatch.score).toBeLessThan(match.score);
    expect(noMatch.bestFace.imageKey).toMatch(/^[0-9a-f]{64}$/);
  });

  it('detect lists every face of a group photo, as detectFaces does', async () => {
    const detectKey = await createApiKey(server, ['detect']);
    const res = await post('detect', { image: await photo(deepfaceImage('couple.jpg')) }, detectKey);
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      eventId: string;
      width: number;
      faces: Array<{ box: { x: number } }>;
    };
    const { detectFaces } = await gql<{
      detectFaces: { width: number; faces: Array<{ box: { x: number } }> };
    }>(
      'mutation ($image: ImageInput!) { detectFaces(image: $image) { width faces { box { x } } } }',
      { image: { base64: (await readFile(deepfaceImage('couple.jpg'))).toString('base64') } },
      detectKey,
    );
    expect(body.faces.length).toBeGreaterThanOrEqual(2);
    expect(body).toMatchObject(detectFaces);
  });

  it('answers 400 BAD_INPUT without an image, naming the field', async () => {
    const res = await post('identify', { galleryId }, identifyKey.headers);
    expect(res.status).toBe(400);
    expect(await errorOf(res)).toMatchObject({ extensions: { code: 'BAD_INPUT', field: 'image' } });
    const noGallery = await post(
      'identify',
      { image: await photo(lfwImage('Colin_Powell', 2)) },
      identifyKey.headers,
    );
    expect(noGallery.status).toBe(400);
    expect(await errorOf(noGallery)).toMatchObject({ extensions: { code: 'BAD_INPUT', field: 'galleryId' } });
    const badTopK = await post(
      'identify',
      { image: await photo(lfwImage('Colin_Powell', 2)), galleryId, topK: 'five' },
      identifyKey.headers,
    );
    expect(badTopK.status).toBe(400);
    expect(await errorOf(badTopK)).toMatchObject({ extensions: { code: 'BAD_INPUT', field: 'topK' } });
    const notMultipart = await fetch(`${server.url}/api/identify`, {
      method: 'POST',
      headers: { ...identifyKey.headers, 'content-type': 'image/jpeg' },
      body: await readFile(lfwImage('Colin_Powell', 2)),
    });
    expect(notMultipart.status).toBe(400);
    expect((await errorOf(notMultipart)).message).toMatch(/multipart\/form-data with the fields image/);
  });

  it('refuses a key without the scope (403 naming it) and an anonymous caller (401) before reading the body', async () => {
    const detectOnly = await createApiKey(server, ['detect']);
    const refused = await slowMultipartPost(server.url, '/api/identify', {
      field: 'image',
      declaredBytes: LARGE,
      headers: detectOnly,
    });
    expect(refused.status).toBe(403);
    expectAnsweredEarly(refused);
    expect(JSON.parse(refused.body)).toMatchObject({
      errors: [{ extensions: { code: 'FORBIDDEN', permission: 'faces.identify', scopes: ['identify'] } }],
    });
    const anonymous = await slowMultipartPost(server.url, '/api/verify', {
      field: 'image',
      declaredBytes: LARGE,
    });
    expect(anonymous.status).toBe(401);
    expectAnsweredEarly(anonymous);
    // A small request with the key and the scope of another route.
    await expectError(await identifyColin(detectOnly), 403, 'FORBIDDEN');
  });

  it('refuses a gallery-restricted key on another gallery, and an unknown gallery, as GraphQL does', async () => {
    const elsewhere = await createApiKey(
      server,
      ['identify'],
      (
        await gql<{ createGallery: { id: string } }>(
          'mutation ($input: CreateGalleryInput!) { createGallery(input: $input) { id } }',
          { input: { name: 'Elsewhere' } },
        )
      ).createGallery.id,
    );
    await expectError(await identifyColin(elsewhere), 403, 'FORBIDDEN');
    await expectError(await identifyColin(admin, '00000000-0000-4000-8000-000000000000'), 404, 'NOT_FOUND');
  });

  it('answers 422 BAD_IMAGE for a file that is not an image, and for an empty one', async () => {
    const text = new Blob([Buffer.from('This is a text file, not a photo.\n'.repeat(20))], {
      type: 'image/jpeg',
    });
    const res = await post('detect', { image: text }, admin);
    expect(res.status).toBe(422);
    const error = await errorOf(res);
    expect(error.extensions).toMatchObject({ code: 'BAD_IMAGE', reason: 'NOT_AN_IMAGE' });
    const empty = await post('identify', { image: new Blob([]), galleryId }, admin);
    expect(empty.status).toBe(422);
    expect((await errorOf(empty)).extensions).toMatchObject({ code: 'BAD_IMAGE', field: 'image' });
  });

  it('answers 413 naming the limit for a request over 11 MB or an image over 10 MB, and BAD_IMAGE naming the size over 24 MP', async () => {
    const announced = await slowMultipartPost(server.url, '/api/detect', {
      field: 'image',
      declaredBytes: LARGE,
      headers: admin,
    });
    expect(announced.status).toBe(413);
    expect(announced.body).toMatch(/larger than 11 MB/);
    expectAnsweredEarly(announced);
    const huge = new Blob([Buffer.alloc(10 * 1024 * 1024 + 1, 0xff)], { type: 'image/jpeg' });
    const res = await post('detect', { image: huge }, admin);
    expect(res.status).toBe(413);
    expect(await errorOf(res)).toMatchObject({
      message: expect.stringMatching(/larger than 10 MB, the limit per file/),
      extensions: { code: 'PAYLOAD_TOO_LARGE', field: 'image', limitBytes: 10 * 1024 * 1024 },
    });
    // A real photo's header claiming 6000x6000: refused from the header, before decoding.
    const sharp = (await import('sharp')).default;
    const large = await sharp({ create: { width: 6000, height: 6000, channels: 3, background: '#888' } })
      .jpeg({ quality: 10 })
      .toBuffer();
    const tooManyPixels = await post('detect', { image: new Blob([large]) }, admin);
    expect(tooManyPixels.status).toBe(422);
    const error = await errorOf(tooManyPixels);
    expect(error.extensions).toMatchObject({ code: 'BAD_IMAGE', reason: 'IMAGE_TOO_LARGE' });
    expect(error.message).toMatch(/6000x6000.*24\.0 MP/);
  });

  it('refuses a session cookie sent from another site', async () => {
    const res = await post(
      'detect',
      { image: await photo(lfwImage('Colin_Powell', 2)) },
      {
        ...admin,
        'sec-fetch-site': 'cross-site',
      },
    );
    await expectError(res, 403, 'FORBIDDEN');
  });
});

// The routes take from the same per-key budget as GraphQL (resolved with the caller, before the body).
describe.each(TEST_DATABASE_MODES)('multipart recognition routes under the key rate limit on %s', (mode) => {
  it('answers 429 RATE_LIMITED with Retry-After once GraphQL and REST calls of the key used its budget', async () => {
    const limitedServer = await startTestServer(mode, {
      auth: { apiKeyRateLimits: { perMinute: 1, burst: 2 } },
    });
    try {
      const key = await createApiKey(limitedServer, ['detect']);
      const viewer = await limitedServer.graphql('{ viewer { apiKey { prefix } } }', {}, key);
      expect(viewer.errors).toBeUndefined();
      const detect = (): Promise<Response> => {
        const body = new FormData();
        body.set('image', new Blob([Buffer.from('x')]), 'x.jpg');
        return fetch(`${limitedServer.url}/api/detect`, { method: 'POST', headers: key, body });
      };
      expect((await detect()).status).not.toBe(429);
      const limited = await detect();
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(((await limited.json()) as RestError).errors[0]?.extensions.code).toBe('RATE_LIMITED');
    } finally {
      await limitedServer.close();
    }
  });
});
