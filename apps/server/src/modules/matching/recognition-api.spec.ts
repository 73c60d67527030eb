// Acceptance over HTTP GraphQL, on PGlite and on PostgreSQL, with real photos: enrollment and its
// typed refusals, identify / verify / compare / detect, uploads, reviews with negative exemplars, the
// audit entries of every call, and the probe-image retention purge.
import { readFile } from 'node:fs/promises';
import { TEST_DATABASE_MODES } from '@faceledger/db/testing';
import { pino } from 'pino';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  adminHeaders,
  createApiKey,
  createApiKeyWithId,
  createUserAndSignIn,
  type AuthHeaders,
} from '../../../test/auth-helpers.js';
import { deepfaceImage, lfwImage } from '../../../test/test-data.js';
import { startTestServer, type TestServer } from '../../../test/test-server.js';
import { createServices } from '../../services.js';

const ENROLL = `
  mutation Enroll($identityId: ID!, $image: ImageInput!) {
    enrollFace(identityId: $identityId, image: $image) {
      __typename
      ... on Enrolled { face { id imageKey modelId } detected { quality { score } } warnings { code score identity { id } } }
      ... on NoFace { message }
      ... on MultipleFaces { count message }
      ... on LowQuality { reasons { code } message }
      ... on DuplicateImage { faceId identity { id } }
      ... on LikelySameAs { score identity { id } }
    }
  }`;

const IDENTIFY = `
  mutation Identify($galleryId: ID!, $image: ImageInput!, $topK: Int) {
    identify(galleryId: $galleryId, image: $image, topK: $topK) {
      threshold modelId latencyMs facesTruncated
      faces {
        eventId decision score identity { id displayName }
        face { box { x y width height } quality { score } spoof { antispoof liveness } }
        candidates { rank score demoted identity { id } face { id } }
      }
    }
  }`;

const VERIFY = `
  mutation Verify($identityId: ID!, $image: ImageInput!) {
    verify(identityId: $identityId, image: $image) { eventId match decision score threshold bestFace { id } }
  }`;

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

interface IdentifyBody {
  identify: {
    threshold: number;
    facesTruncated: boolean;
    modelId: string;
    faces: Array<{
      eventId: string;
      decision: string;
      score: number | null;
      identity: { id: string } | null;
      face: { box: Box };
      candidates: Array<{
        rank: number;
        score: number;
        demoted: boolean;
        identity: { id: string };
        face: { id: string } | null;
      }>;
    }>;
  };
}

type EnrollBody = { enrollFace: { __typename: string } & Record<string, unknown> };

async function base64Of(file: string): Promise<string> {
  return (await readFile(file)).toString('base64');
}

describe.each(TEST_DATABASE_MODES)('enrollment, matching and reviews over HTTP on %s', (mode) => {
  let server: TestServer;
  let admin: AuthHeaders;
  let galleryId: string;
  const people = ['Colin_Powell', 'Hugo_Chavez', 'Jacques_Chirac'] as const;
  const identityOf = new Map<string, string>();
  let strangerId: string;

  async function gql<T>(query: string, variables: Record<string, unknown>, headers: AuthHeaders = admin) {
    return server.graphql<T>(query, variables, headers);
  }

  async function createIdentity(externalId: string, displayName: string): Promise<string> {
    const body = await gql<{ createIdentity: { id: string } }>(
      'mutation C($input: CreateIdentityInput!) { createIdentity(input: $input) { id } }',
      { input: { galleryId, externalId, displayName } },
    );
    expect(body.errors).toBeUndefined();
    return body.data!.createIdentity.id;
  }

  async function enroll(identityId: string, image: Record<string, unknown>) {
    return gql<EnrollBody>(ENROLL, { identityId, image });
  }

  async function identify(image: Record<string, unknown>, headers?: AuthHeaders) {
    const body = await gql<IdentifyBody>(IDENTIFY, { galleryId, image }, headers);
    expect(body.errors).toBeUndefined();
    return body.data!.identify;
  }

  beforeAll(async () => {
    server = await startTestServer(mode, { recognition: true });
    expect((await server.recognition.whenSettled()).state).toBe('READY');
    admin = await adminHeaders(server);
    const created = await gql<{ createGallery: { id: string } }>(
      'mutation G($input: CreateGalleryInput!) { createGallery(input: $input) { id } }',
      { input: { name: 'Staff', matchThreshold: 0.92, identifyThresholdOverride: 0.92, probeRetentionDays: 7 } },
    );
    expect(created.errors).toBeUndefined();
    galleryId = created.data!.createGallery.id;
    for (const person of people)
      identityOf.set(person, await createIdentity(person, person.replace('_', ' ')));
    strangerId = await createIdentity('stranger', 'Never Enrolled');
  });

  afterAll(async () => {
    await server?.close();
  });

  it('enrolls three people with two photos each, storing face, image and an audit entry', async () => {
    for (const person of people) {
      for (const n of [1, 2]) {
        const body = await enroll(identityOf.get(person)!, { base64: await base64Of(lfwImage(person, n)) });
        expect(body.errors).toBeUndefined();
        expect(body.data?.enrollFace.__typename).toBe('Enrolled');
        expect(body.data?.enrollFace.warnings).toEqual([]);
      }
    }
    const faces = await server.db.prisma.face.findMany({ select: { imageKey: true, modelId: true } });
    expect(faces).toHaveLength(6);
    for (const face of faces) expect(await server.imageStore.has(face.imageKey)).toBe(true);
    const dims = await server.db.prisma.$queryRaw<
      Array<{ n: number }>
    >`SELECT DISTINCT vector_dims(embedding) AS n FROM faces`;
    expect(dims).toEqual([{ n: 128 }]);
    expect(await server.db.prisma.auditEntry.count({ where: { action: 'face.enroll' } })).toBe(6);
  });

  it('identifies a third photo of each person as a MATCH with the right identity, ranked first', async () => {
    for (const [person, n] of [
      ['Colin_Powell', 3],
      ['Hugo_Chavez', 3],
      ['Jacques_Chirac', 4],
    ] as const) {
      const result = await identify({ base64: await base64Of(lfwImage(person, n)) });
      expect(result.threshold).toBe(0.92);
      expect(result.modelId).toBe('faceapi-resnet128');
      expect(result.faces).toHaveLength(1);
      const [face] = result.faces;
      expect(face?.decision).toBe('MATCH');
      expect(face?.identity?.id).toBe(identityOf.get(person));
      expect(face?.candidates[0]?.identity.id).toBe(identityOf.get(person));
      expect(face?.candidates[0]?.face).not.toBeNull();
      // One entry per identity (best face), ranked by score.
      const ids = face!.candidates.map((c) => c.identity.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(face!.candidates.map((c) => c.rank)).toEqual(ids.map((_, i) => i + 1));
    }
  });

  it('answers UNKNOWN for a person never enrolled, and records the event with its probe image', async () => {
    const result = await identify({ base64: await base64Of(lfwImage('Laura_Bush', 1)) });
    expect(result.faces[0]?.decision).toBe('UNKNOWN');
    expect(result.faces[0]?.identity).toBeNull();
    const event = await server.db.prisma.matchEvent.findUniqueOrThrow({
      where: { id: result.faces[0]!.eventId },
    });
    expect(event).toMatchObject({
      kind: 'IDENTIFY',
      galleryId,
      decision: 'UNKNOWN',
      threshold: 0.92,
      modelId: 'faceapi-resnet128',
    });
    expect(event.requesterUserId).not.toBeNull();
    expect(event.probeImageKey).toBe(event.probeSha256);
    expect(await server.imageStore.has(event.probeSha256)).toBe(true);
    const [stored] = await server.db.prisma.$queryRaw<Array<{ dims: number }>>`
      SELECT vector_dims(probe_embedding) AS dims FROM match_events WHERE id = ${event.id}::uuid`;
    expect(stored?.dims).toBe(128);
  });

  it('keeps with each face of a two-person photo the box of that face, which the review item shows', async () => {
    const result = await identify({ base64: await base64Of(deepfaceImage('couple.jpg')) });
    expect(result.faces).toHaveLength(2);
    expect(result.facesTruncated).toBe(false);
    const reviewer = await createUserAndSignIn(server, 'REVIEWER');
    const shown: Box[] = [];
    for (const face of result.faces) {
      const body = await gql<{
        matchEvent: { id: string; probeImageAvailable: boolean; probeBox: Box | null };
      }>(
        'query E($id: ID!) { matchEvent(id: $id) { id probeImageAvailable probeBox { x y width height } } }',
        { id: face.eventId },
        reviewer,
      );
      expect(body.errors).toBeUndefined();
      expect(body.data?.matchEvent).toMatchObject({ id: face.eventId, probeImageAvailable: true });
      expect(body.data?.matchEvent.probeBox).toEqual(face.face.box);
      shown.push(body.data!.matchEvent.probeBox!);
    }
    expect(new Set(result.faces.map((f) => f.eventId)).size).toBe(2);
    expect(shown[0]).not.toEqual(shown[1]);
    // The review queue reads the same field through matchEvents.
    const list = await gql<{ matchEvents: { edges: Array<{ node: { id: string; probeBox: Box | null } }> } }>(
      'query L($f: MatchEventFilter) { matchEvents(filter: $f, first: 2) { edges { node { id probeBox { x y width height } } } } }',
      { f: { galleryId, kind: 'IDENTIFY' } },
      reviewer,
    );
    expect(list.errors).toBeUndefined();
    const listed = new Map(list.data!.matchEvents.edges.map((e) => [e.node.id, e.node.probeBox]));
    for (const face of result.faces) expect(listed.get(face.eventId)).toEqual(face.face.box);
  });

  it('verifies 1:1: true for the person, false for someone else', async () => {
    const image = { base64: await base64Of(lfwImage('Colin_Powell', 4)) };
    const yes = await gql<{ verify: { match: boolean; decision: string; score: number } }>(VERIFY, {
      identityId: identityOf.get('Colin_Powell'),
      image,
    });
    expect(yes.errors).toBeUndefined();
    expect(yes.data?.verify).toMatchObject({ match: true, decision: 'MATCH' });
    const no = await gql<{ verify: { match: boolean; decision: string; score: number } }>(VERIFY, {
      identityId: identityOf.get('Hugo_Chavez'),
      image,
    });
    expect(no.data?.verify).toMatchObject({ match: false, decision: 'NO_MATCH' });
    expect(no.data!.verify.score).toBeLessThan(yes.data!.verify.score);
  });

  it('returns typed refusals: NoFace, MultipleFaces, DuplicateImage, LowQuality; BAD_IMAGE for a truncated JPEG', async () => {
    const colin = identityOf.get('Colin_Powell')!;
    // A smooth colour gradient: an image, but no face.
    const pixels = Uint8Array.from({ length: 320 * 240 * 3 }, (_, i) => Math.floor(((i / 3) % 320) * 0.8));
    const gradient = await sharp(pixels, { raw: { width: 320, height: 240, channels: 3 } })
      .png()
      .toBuffer();
    expect((await enroll(colin, { base64: gradient.toString('base64') })).data?.enrollFace.__typename).toBe(
      'NoFace',
    );

    const couple = await enroll(colin, { base64: await base64Of(deepfaceImage('couple.jpg')) });
    expect(couple.data?.enrollFace).toMatchObject({ __typename: 'MultipleFaces', count: 2 });

    const duplicate = await enroll(identityOf.get('Hugo_Chavez')!, {
      base64: await base64Of(lfwImage('Colin_Powell', 1)),
    });
    expect(duplicate.data?.enrollFace).toMatchObject({
      __typename: 'DuplicateImage',
      identity: { id: colin },
    });

    const tiny = await sharp(await readFile(lfwImage('Colin_Powell', 5)))
      .resize(120, 120)
      .jpeg()
      .toBuffer();
    const low = await enroll(colin, { base64: tiny.toString('base64') });
    expect(low.data?.enrollFace.__typename).toBe('LowQuality');
    expect(low.data?.enrollFace.reasons).toContainEqual({ code: 'FACE_TOO_SMALL' });

    const jpeg = await readFile(lfwImage('Colin_Powell', 5));
    const truncated = await enroll(colin, {
      base64: jpeg.subarray(0, Math.floor(jpeg.length / 2)).toString('base64'),
    });
    expect(truncated.errors?.[0]?.extensions?.code).toBe('BAD_IMAGE');
    expect(truncated.errors?.[0]?.message).toMatch(/damaged or truncated/);

    const both = await enroll(colin, { base64: 'AAAA', uploadId: 'x' });
    expect(both.errors?.[0]?.extensions?.code).toBe('BAD_INPUT');
    expect(await server.db.prisma.face.count()).toBe(6);
    expect(await server.db.prisma.auditEntry.count({ where: { action: 'face.enrollRefused' } })).toBe(4);
  });

  it('warns about a face that looks like another identity, and refuses it when the gallery forbids that', async () => {
    const warned = await enroll(strangerId, { base64: await base64Of(lfwImage('Colin_Powell', 5)) });
    expect(warned.data?.enrollFace.__typename).toBe('Enrolled');
    expect(warned.data?.enrollFace.warnings).toMatchObject([
      { code: 'LIKELY_SAME_AS', identity: { id: identityOf.get('Colin_Powell') } },
    ]);
    const updated = await gql(
      'mutation U($id: ID!) { updateGallery(id: $id, input: { forbidLikelyDuplicates: true }) { id } }',
      { id: galleryId },
    );
    expect(updated.errors).toBeUndefined();
    const refused = await enroll(strangerId, { base64: await base64Of(lfwImage('Hugo_Chavez', 4)) });
    expect(refused.data?.enrollFace).toMatchObject({
      __typename: 'LikelySameAs',
      identity: { id: identityOf.get('Hugo_Chavez') },
    });
    await gql(
      'mutation U($id: ID!) { updateGallery(id: $id, input: { forbidLikelyDuplicates: false }) { id } }',
      { id: galleryId },
    );
    // Take the stranger out of matching again: suspended identities are never candidates.
    expect(
      (await gql('mutation S($id: ID!) { suspendIdentity(id: $id) { id } }', { id: strangerId })).errors,
    ).toBeUndefined();
  });

  it('takes images through POST /api/uploads, usable only by the uploader', async () => {
    const form = new FormData();
    form.append(
      'image',
      new Blob([await readFile(lfwImage('Hugo_Chavez', 5))], { type: 'image/jpeg' }),
      'chavez.jpg',
    );
    const response = await fetch(`${server.url}/api/uploads`, { method: 'POST', body: form, headers: admin });
    expect(response.status).toBe(201);
    const { uploadId } = (await response.json()) as { uploadId: string };
    expect(uploadId).toMatch(/^[0-9a-f]{64}$/);
    const result = await identify({ uploadId });
    expect(result.faces[0]).toMatchObject({
      decision: 'MATCH',
      identity: { id: identityOf.get('Hugo_Chavez') },
    });

    const other = await createUserAndSignIn(server, 'HR');
    const stolen = await gql(IDENTIFY, { galleryId, image: { uploadId } }, other);
    expect(stolen.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const anonymous = await fetch(`${server.url}/api/uploads`, { method: 'POST', body: form });
    expect(anonymous.status).toBe(401);
    const huge = new FormData();
    huge.append('image', new Blob([new Uint8Array(21 * 1024 * 1024)]), 'huge.jpg');
    const tooLarge = await fetch(`${server.url}/api/uploads`, { method: 'POST', body: huge, headers: admin });
    expect(tooLarge.status).toBe(413);
    expect(await tooLarge.json()).toMatchObject({ errors: [{ extensions: { code: 'PAYLOAD_TOO_LARGE' } }] });
  });

  it('serves integrators with API keys: identify scope, gallery restriction, the key recorded as requester', async () => {
    const key = await createApiKeyWithId(server, ['identify'], galleryId);
    const result = await identify({ base64: await base64Of(lfwImage('Jacques_Chirac', 5)) }, key.headers);
    expect(result.faces[0]).toMatchObject({
      decision: 'MATCH',
      identity: { id: identityOf.get('Jacques_Chirac') },
    });
    const event = await server.db.prisma.matchEvent.findUniqueOrThrow({
      where: { id: result.faces[0]!.eventId },
    });
    expect(event).toMatchObject({ requesterKeyId: key.id, requesterUserId: null });
    // an identify key may not read enrolled faces: selecting them nulls only that field
    const withFaces = await gql<{
      identify: { faces: Array<{ identity: { id: string; displayName: string; faces: unknown } | null }> };
    }>(
      'mutation ($galleryId: ID!, $image: ImageInput!) { identify(galleryId: $galleryId, image: $image) { faces { identity { id displayName faces { id } } } } }',
      { galleryId, image: { base64: await base64Of(lfwImage('Jacques_Chirac', 5)) } },
      key.headers,
    );
    expect(withFaces.data?.identify.faces[0]?.identity).toEqual({
      id: identityOf.get('Jacques_Chirac'),
      displayName: 'Jacques Chirac',
      faces: null,
    });
    expect(withFaces.errors).toMatchObject([
      { extensions: { code: 'FORBIDDEN' }, path: ['identify', 'faces', 0, 'identity', 'faces'] },
    ]);
    const detectOnly = await createApiKey(server, ['detect']);
    const denied = await gql(IDENTIFY, { galleryId, image: { base64: 'AAAA' } }, detectOnly);
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('compares two images and detects faces with quality and spoof scores', async () => {
    const compare = await gql<{
      compareFaces: { match: boolean; score: number; modelId: string; faceA: unknown };
    }>(
      'mutation C($a: ImageInput!, $b: ImageInput!) { compareFaces(imageA: $a, imageB: $b) { match score modelId threshold faceA { detectionScore } } }',
      {
        a: { base64: await base64Of(lfwImage('Jacques_Chirac', 1)) },
        b: { base64: await base64Of(lfwImage('Jacques_Chirac', 2)) },
      },
    );
    expect(compare.errors).toBeUndefined();
    expect(compare.data?.compareFaces).toMatchObject({ match: true, modelId: 'faceapi-resnet128' });
    const detect = await gql<{
      detectFaces: { facesTruncated: boolean; faces: Array<{ quality: { score: number }; spoof: { antispoof: number | null } }> };
    }>(
      'mutation D($i: ImageInput!) { detectFaces(image: $i) { eventId width height facesTruncated faces { box { x y width height } detectionScore pose { yaw } quality { score reasons } spoof { antispoof liveness } } } }',
      { i: { base64: await base64Of(deepfaceImage('couple.jpg')) } },
    );
    expect(detect.errors).toBeUndefined();
    expect(detect.data?.detectFaces.faces).toHaveLength(2);
    expect(detect.data?.detectFaces).toMatchObject({ facesTruncated: false });
    expect(detect.data?.detectFaces.faces[0]?.spoof.antispoof).toBeGreaterThan(0);
    const audited = await server.db.prisma.auditEntry.findMany({
      where: { action: { in: ['faces.compare', 'faces.detect', 'faces.identify', 'faces.verify'] } },
    });
    expect(new Set(audited.map((a) => a.action))).toEqual(
      new Set(['faces.compare', 'faces.detect', 'faces.identify', 'faces.verify']),
    );
  });

  it('remembers a REJECT as a negative exemplar: the same probe no longer matches the rejected identity', async () => {
    const image = { base64: await base64Of(lfwImage('Colin_Powell', 3)) };
    const first = await identify(image);
    expect(first.faces[0]?.decision).toBe('MATCH');
    const eventId = first.faces[0]!.eventId;
    const reviewer = await createUserAndSignIn(server, 'REVIEWER');
    const review = await gql<{
      reviewMatch: { verdict: string; identity: { id: string }; reviewerEmail: string };
    }>(
      'mutation R($eventId: ID!) { reviewMatch(eventId: $eventId, verdict: REJECT, note: "not him") { verdict identity { id } reviewerEmail note } }',
      { eventId },
      reviewer,
    );
    expect(review.errors).toBeUndefined();
    expect(review.data?.reviewMatch).toMatchObject({
      verdict: 'REJECT',
      identity: { id: identityOf.get('Colin_Powell') },
    });

    const again = await identify(image);
    const face = again.faces[0]!;
    expect(face.decision).toBe('UNKNOWN');
    expect(face.identity).toBeNull();
    const colin = face.candidates.find((c) => c.identity.id === identityOf.get('Colin_Powell'));
    expect(colin).toMatchObject({ rank: 1, demoted: true });
    expect(colin!.score).toBeGreaterThanOrEqual(0.92);

    // Verify obeys the exemplar too; other people still match.
    const verify = await gql<{ verify: { match: boolean } }>(VERIFY, {
      identityId: identityOf.get('Colin_Powell'),
      image,
    });
    expect(verify.data?.verify.match).toBe(false);
    const chirac = await identify({ base64: await base64Of(lfwImage('Jacques_Chirac', 4)) });
    expect(chirac.faces[0]?.decision).toBe('MATCH');

    // The demoted event is flagged for review; the reviewed one is not.
    const list = await gql<{
      matchEvents: { edges: Array<{ node: { id: string; needsReview: boolean; reviews: unknown[] } }> };
    }>(
      'query L($f: MatchEventFilter) { matchEvents(filter: $f, first: 50) { edges { cursor node { id kind decision needsReview topScore reviews { verdict } candidates { rank score identity { id } } } } pageInfo { hasNextPage endCursor } } }',
      { f: { galleryId, needsReview: true } },
      reviewer,
    );
    expect(list.errors).toBeUndefined();
    const flagged = list.data!.matchEvents.edges.map((e) => e.node.id);
    expect(flagged).toContain(face.eventId);
    expect(flagged).not.toContain(eventId);
    expect(await server.db.prisma.auditEntry.count({ where: { action: 'matchEvent.review' } })).toBe(1);
  });

  it('pages match events newest first with filters, for readers only', async () => {
    const auditor = await createUserAndSignIn(server, 'AUDITOR');
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: Awaited<
        ReturnType<
          typeof gql<{
            matchEvents: {
              edges: Array<{ cursor: string; node: { id: string; kind: string; createdAt: string } }>;
              pageInfo: { hasNextPage: boolean; endCursor: string | null };
            };
          }>
        >
      > = await gql(
        'query L($after: String) { matchEvents(filter: { kind: IDENTIFY }, first: 3, after: $after) { edges { cursor node { id kind createdAt } } pageInfo { hasNextPage endCursor } } }',
        { after },
        auditor,
      );
      expect(page.errors).toBeUndefined();
      for (const edge of page.data!.matchEvents.edges) {
        expect(edge.node.kind).toBe('IDENTIFY');
        seen.push(edge.node.id);
      }
      if (!page.data!.matchEvents.pageInfo.hasNextPage) break;
      after = page.data!.matchEvents.pageInfo.endCursor;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(await server.db.prisma.matchEvent.count({ where: { kind: 'IDENTIFY' } }));
    const hr = await createUserAndSignIn(server, 'HR');
    const denied = await gql('{ matchEvents { edges { cursor } } }', {}, hr);
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('purges probe images after the gallery retention, keeping images that faces or pending uploads still use', async () => {
    const services = createServices({
      db: server.db,
      imageStore: server.imageStore,
      recognition: server.recognition,
      logger: pino({ level: 'silent' }),
      version: 'test',
    });
    const kept = await server.db.prisma.matchEvent.findMany({
      where: { probeImageKey: { not: null } },
      select: { probeImageKey: true },
    });
    expect(kept.length).toBeGreaterThan(0);
    const none = await services.matching.purgeExpiredProbes(
      { kind: 'system' },
      new Date(Date.now() + 6 * 86_400_000),
    );
    expect(none).toEqual({ eventsCleared: 0, embeddingsCleared: 0, imagesDeleted: 0 });
    const later = await services.matching.purgeExpiredProbes(
      { kind: 'system' },
      new Date(Date.now() + 8 * 86_400_000),
    );
    expect(later.eventsCleared).toBe(kept.length);
    expect(await server.db.prisma.matchEvent.count({ where: { probeImageKey: { not: null } } })).toBe(0);
    for (const { probeImageKey } of kept) {
      const usedByFace = (await server.db.prisma.face.count({ where: { imageKey: probeImageKey! } })) > 0;
      // the uploads test above sent some probes through POST /api/uploads; those stay for 24 hours
      const heldByUpload =
        (await server.db.prisma.pendingUpload.count({ where: { imageKey: probeImageKey! } })) > 0;
      expect(await server.imageStore.has(probeImageKey!)).toBe(usedByFace || heldByUpload);
    }
    for (const face of await server.db.prisma.face.findMany())
      expect(await server.imageStore.has(face.imageKey)).toBe(true);
    expect(await server.db.prisma.auditEntry.count({ where: { action: 'matchEvents.purgeProbes' } })).toBe(1);
    await expect(services.matching.purgeExpiredProbes({ kind: 'anonymous' }, new Date())).rejects.toThrow(
      /Only the server/,
    );
  });
});
