// Sightings end to end below the camera reader, on PGlite and PostgreSQL with the real engine: camera
// frames composed from LFW photos go straight into the analyzer. An enrolled person walking past for
// many frames is ONE MATCH sighting and ONE alert (on the API, the matchEvents record and a real MQTT
// broker), and coming back within the cool-down adds a sighting but no alert; a stranger raises none,
// and a stranger seen twice (different photos, two appearances) lands in one unknown cluster; face
// search finds a face's sightings newest first; a cluster can be named (its crops enrolled) or
// dismissed; the retention purge deletes expired sightings with their crops.
import { createHash, randomUUID } from 'node:crypto';
import http from 'node:http';
import sharp from 'sharp';
import { TEST_DATABASE_MODES } from '@faceledger/db/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createUserAndSignIn, type AuthHeaders } from '../../../test/auth-helpers.js';
import {
  composeFrame,
  emptyFrames,
  walkPast,
  type FramePerson,
  FRAME_HEIGHT,
  FRAME_WIDTH,
} from '../../../test/lfw-frames.js';
import { startRecognitionGallery } from '../../../test/recognition-gallery.js';
import { lfwInput } from '../../../test/test-data.js';
import type { TestServer } from '../../../test/test-server.js';
import { listenForAlerts, type AlertListener } from '../../../test/mqtt-alerts.js';
import { enrollWatchlist } from '../../../test/watchlist.js';
import { SightingsRepository } from './sightings.repository.js';

/** Where this suite's webhook receiver listens (4260-4279 are the sightings tests'). */
const WEBHOOK_PORTS = { pglite: 4264, postgres: 4265 } as const;

/** A node of an answer, read loosely (the assertions say what it must hold). */
interface Node {
  id: string;
  number: number;
  size: number;
  score: number;
  threshold: number;
  startedAt: string;
  cropImageKey: string | null;
  cropImageKeys: string[];
  box: { x: number; y: number; width: number; height: number };
  cropBox: { x: number; y: number; width: number; height: number } | null;
  matchEventId: string;
  cluster: { id: string; number: number; size: number };
  identity: { id: string };
  [field: string]: unknown;
}

const SIGHTING = `id decision frames quality cropImageKey cameraName startedAt score threshold
  box { x y width height } cropBox { x y width height }
  identity { id displayName } candidates { rank score identity { id } } cluster { id number label size }`;

describe.each(TEST_DATABASE_MODES)('sightings from camera frames on %s', (mode) => {
  let server: TestServer;
  let admin: AuthHeaders;
  let galleryId: string;
  let blairId: string;
  let cameraId: string;
  let mqtt: AlertListener;
  let receiver: http.Server;
  const webhookBodies: Array<{ type: string; data: { eventId: string } }> = [];
  const prefix = `faceledger-sightings-${mode}-${Date.now()}`;
  let clock = Date.parse('2026-12-06T09:00:00.000Z');
  let sequence = 0;

  /** Feeds the frames to the analyzer, 2 per second of camera time. */
  async function feed(frames: readonly FramePerson[][]): Promise<void> {
    for (const people of frames) {
      const jpeg = await composeFrame(people);
      await server.services.sightingAnalyzer.analyze({
        cameraId,
        sequence: sequence++,
        capturedAt: new Date((clock += 500)),
        jpeg,
        width: FRAME_WIDTH,
        height: FRAME_HEIGHT,
      });
    }
  }

  async function query<T>(text: string, variables: Record<string, unknown> = {}): Promise<T> {
    const body = await server.graphql<T>(text, variables, admin);
    expect(body.errors).toBeUndefined();
    return body.data!;
  }

  beforeAll(async () => {
    ({ server, admin, galleryId } = await startRecognitionGallery(mode, { name: 'Watchlist' }));
    blairId = await enrollWatchlist(server, admin, galleryId, [1, 3, 5]);
    const camera = await server.db.prisma.camera.create({
      data: {
        name: 'Front Door',
        sourceUrl: '/dev/null',
        enabled: false,
        createdBy: 'test',
        galleries: { create: [{ galleryId }] },
      },
    });
    cameraId = camera.id;
    mqtt = await listenForAlerts(server, prefix);
    receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        webhookBodies.push(JSON.parse(body) as { type: string; data: { eventId: string } });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(WEBHOOK_PORTS[mode], '127.0.0.1', resolve));
    const webhook = await server.graphql(
      'mutation W($g: ID!, $url: String!) { createWebhook(galleryId: $g, url: $url, events: [MATCH]) { secret } }',
      { g: galleryId, url: `http://127.0.0.1:${WEBHOOK_PORTS[mode]}/alerts` },
      admin,
    );
    expect(webhook.errors).toBeUndefined();
  }, 600_000);

  afterAll(async () => {
    await new Promise((resolve) => receiver?.close(resolve));
    await mqtt?.close();
    await server?.close();
  });

  it('makes one MATCH sighting and one alert of an enrolled person walking past, and no second alert within the cool-down', async () => {
    await feed([...walkPast('Tony_Blair', 2, 10), ...emptyFrames(5)]);
    const { sightings } = await query<{ sightings: { edges: Array<{ node: Node }> } }>(
      `{ sightings(decision: MATCH) { edges { node { ${SIGHTING} } } } }`,
    );
    expect(sightings.edges).toHaveLength(1);
    const sighting = sightings.edges[0]!.node;
    expect(sighting).toMatchObject({
      decision: 'MATCH',
      frames: 10,
      cameraName: 'Front Door',
      identity: { id: blairId, displayName: 'Tony Blair' },
    });
    expect(sighting.score).toBeGreaterThanOrEqual(sighting.threshold);
    expect(sighting.cropImageKey).toMatch(/^[0-9a-f]{64}$/);
    // The face box in the crop's pixels: same size as in the frame, inside the stored crop, with the
    // crop's margin around it.
    const crop = await sharp(Buffer.from((await server.imageStore.get(sighting.cropImageKey!))!)).metadata();
    const inCrop = sighting.cropBox!;
    expect([inCrop.width, inCrop.height]).toEqual([sighting.box.width, sighting.box.height]);
    expect(inCrop.x).toBeGreaterThan(0);
    expect(inCrop.y).toBeGreaterThan(0);
    expect(inCrop.x + inCrop.width).toBeLessThanOrEqual(crop.width!);
    expect(inCrop.y + inCrop.height).toBeLessThanOrEqual(crop.height!);

    const { alerts } = await query<{ alerts: { edges: Array<{ node: Node }> } }>(
      '{ alerts { edges { node { id kind matchEventId sighting { id identity { id } } } } } }',
    );
    expect(alerts.edges).toHaveLength(1);
    expect(alerts.edges[0]!.node).toMatchObject({
      kind: 'WATCHLIST_MATCH',
      sighting: { id: sighting.id, identity: { id: blairId } },
    });
    // The alert is a MATCH match event of the gallery too (matchEvents subscription, webhooks).
    const { matchEvents } = await query<{
      matchEvents: { edges: Array<{ node: { id: string; decision: string } }> };
    }>('query M($g: ID!) { matchEvents(filter: { galleryId: $g }) { edges { node { id decision } } } }', {
      g: galleryId,
    });
    expect(matchEvents.edges.map((e) => e.node)).toEqual([
      { id: alerts.edges[0]!.node.matchEventId, decision: 'MATCH' },
    ]);
    // ... which the gallery's webhook receives as matchEvent.match.
    await server.services.webhooks.deliverDue(new Date());
    expect(webhookBodies).toEqual([
      expect.objectContaining({
        type: 'matchEvent.match',
        data: expect.objectContaining({ eventId: alerts.edges[0]!.node.matchEventId }),
      }),
    ]);
    await mqtt.waitFor(1);
    expect(mqtt.alerts).toHaveLength(1);
    expect(mqtt.alerts[0]).toMatchObject({
      kind: 'WATCHLIST_MATCH',
      cameraName: 'Front Door',
      label: 'Tony Blair',
      identity: { identityId: blairId },
    });

    // Back a minute later: a second sighting, no second alert.
    clock += 60_000;
    await feed([...walkPast('Tony_Blair', 2, 6, 300, -30), ...emptyFrames(5)]);
    const again = await query<{ sightings: { edges: unknown[] }; alerts: { edges: unknown[] } }>(
      'query S($id: ID!) { sightings(identityId: $id) { edges { cursor } } alerts { edges { cursor } } }',
      { id: blairId },
    );
    expect(again.sightings.edges).toHaveLength(2);
    expect(again.alerts.edges).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 300));
    expect(mqtt.alerts).toHaveLength(1);
  });

  it('raises no alert for a stranger, and clusters a stranger seen twice into one unknown', async () => {
    clock += 600_000;
    await feed([
      ...walkPast('Colin_Powell', 1, 6),
      ...emptyFrames(6),
      ...walkPast('Hugo_Chavez', 1, 6, 200),
      ...emptyFrames(6),
    ]);
    clock += 600_000;
    await feed([...walkPast('Colin_Powell', 2, 6, 400, -40), ...emptyFrames(5)]);
    const { sightings } = await query<{ sightings: { edges: Array<{ node: Node }> } }>(
      `{ sightings(decision: UNKNOWN) { edges { node { ${SIGHTING} } } } }`,
    );
    expect(sightings.edges).toHaveLength(3);
    const [powell2, chavez, powell1] = sightings.edges.map((e) => e.node);
    expect(powell1!.cluster.id).toBe(powell2!.cluster.id);
    expect(chavez!.cluster.id).not.toBe(powell1!.cluster.id);
    expect(powell2!.cluster).toMatchObject({ size: 2, label: `unknown #${powell2!.cluster.number}` });
    const { alerts } = await query<{ alerts: { edges: unknown[] } }>('{ alerts { edges { cursor } } }');
    expect(alerts.edges).toHaveLength(1);
    expect(mqtt.alerts).toHaveLength(1);
  });

  it('finds where a face was seen, newest first, from a photo or an identity', async () => {
    const byPhoto = await query<{ sightingsOfFace: { edges: Array<{ node: Node }> } }>(
      'query F($image: ImageInput!) { sightingsOfFace(image: $image) { edges { node { id similarity cluster { size } startedAt } } } }',
      { image: await lfwInput('Colin_Powell', 5) },
    );
    const found = byPhoto.sightingsOfFace.edges.map((e) => e.node);
    expect(found).toHaveLength(2);
    expect(found.every((s) => s.cluster.size === 2)).toBe(true);
    expect(Date.parse(found[0]!.startedAt)).toBeGreaterThan(Date.parse(found[1]!.startedAt));
    const byIdentity = await query<{
      sightingsOfFace: {
        edges: Array<{ node: Node }>;
        pageInfo: { hasNextPage: boolean; endCursor: string };
      };
    }>(
      'query F($id: ID!) { sightingsOfFace(identityId: $id, first: 1) { edges { node { identity { id } similarity } } pageInfo { hasNextPage endCursor } } }',
      { id: blairId },
    );
    expect(byIdentity.sightingsOfFace.edges[0]!.node.identity.id).toBe(blairId);
    expect(byIdentity.sightingsOfFace.pageInfo.hasNextPage).toBe(true);
    const second = await query<{ sightingsOfFace: { edges: unknown[]; pageInfo: { hasNextPage: boolean } } }>(
      'query F($id: ID!, $after: String) { sightingsOfFace(identityId: $id, first: 1, after: $after) { edges { cursor } pageInfo { hasNextPage } } }',
      { id: blairId, after: byIdentity.sightingsOfFace.pageInfo.endCursor },
    );
    expect(second.sightingsOfFace.edges).toHaveLength(1);
    expect(second.sightingsOfFace.pageInfo.hasNextPage).toBe(false);
    const both = await server.graphql(
      'query F($id: ID!, $image: ImageInput!) { sightingsOfFace(identityId: $id, image: $image) { edges { cursor } } }',
      { id: blairId, image: await lfwInput('Colin_Powell', 5) },
      admin,
    );
    expect(both.errors?.[0]?.extensions?.code).toBe('BAD_INPUT');
  });

  it('a reviewer names an unknown cluster by enrolling its crops (without HR rights), and dismisses another', async () => {
    const reviewer = await createUserAndSignIn(server, 'REVIEWER');
    const { unknownClusters } = await query<{
      unknownClusters: { edges: Array<{ node: Node }> };
    }>('{ unknownClusters(status: OPEN) { edges { node { id number size cropImageKeys } } } }');
    const powell = unknownClusters.edges.find((e) => e.node.size === 2)!.node;
    const chavez = unknownClusters.edges.find((e) => e.node.size === 1)!.node;
    expect(powell.cropImageKeys).toHaveLength(2);
    const naming = `mutation N($c: ID!, $g: ID!) { nameUnknownCluster(clusterId: $c, newIdentity: { galleryId: $g, externalId: "cp", displayName: "Colin Powell" }) {
         facesEnrolled refusals cluster { status identity { displayName } } identity { id faceCount } } }`;
    // Enrolling elsewhere stays HR's: the reviewer's right covers naming a cluster only.
    const elsewhere = await server.graphql(
      'mutation E($id: ID!, $image: ImageInput!) { enrollFace(identityId: $id, image: $image) { __typename } }',
      { id: blairId, image: await lfwInput('Tony_Blair', 7) },
      reviewer,
    );
    expect(elsewhere.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const named = (
      await server.graphql<{ nameUnknownCluster: Node }>(naming, { c: powell.id, g: galleryId }, reviewer)
    ).data!;
    expect(named.nameUnknownCluster).toMatchObject({
      facesEnrolled: 2,
      cluster: { status: 'NAMED', identity: { displayName: 'Colin Powell' } },
      identity: { faceCount: 2 },
    });
    const dismissed = (
      await server.graphql<{ dismissUnknownCluster: { status: string } }>(
        'mutation D($c: ID!) { dismissUnknownCluster(clusterId: $c) { status } }',
        { c: chavez.id },
        reviewer,
      )
    ).data!;
    expect(dismissed.dismissUnknownCluster.status).toBe('DISMISSED');
    const again = await server.graphql(
      'mutation D($c: ID!) { dismissUnknownCluster(clusterId: $c) { status } }',
      { c: chavez.id },
      admin,
    );
    expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });

  it("erases the sightings' templates and crops with the identity they showed", async () => {
    const before = await server.db.prisma.$queryRaw<Array<{ id: string; cropImageKey: string }>>`
      SELECT id, crop_image_key AS "cropImageKey" FROM sightings WHERE identity_id = ${blairId}::uuid`;
    expect(before).toHaveLength(2);
    await query('mutation E($id: ID!) { eraseIdentity(id: $id) { facesDeleted } }', { id: blairId });
    const after = await server.db.prisma.$queryRaw<
      Array<{ identityId: string | null; cropImageKey: string | null; hasTemplate: boolean }>
    >`
      SELECT identity_id AS "identityId", crop_image_key AS "cropImageKey", embedding IS NOT NULL AS "hasTemplate"
      FROM sightings WHERE id IN (${before[0]!.id}::uuid, ${before[1]!.id}::uuid)`;
    expect(after).toEqual([
      { identityId: null, cropImageKey: null, hasTemplate: false },
      { identityId: null, cropImageKey: null, hasTemplate: false },
    ]);
    for (const { cropImageKey } of before) expect(await server.imageStore.has(cropImageKey)).toBe(false);
    expect(await server.db.prisma.sightingCandidate.count({ where: { identityId: blairId } })).toBe(0);
    const entry = await server.db.prisma.auditEntry.findFirst({
      where: { subject: `identity:${blairId}`, action: 'identity.erase' },
    });
    expect((entry?.payload as { sightingsCleared: number }).sightingsCleared).toBeGreaterThanOrEqual(2);
    // A photo of him finds nothing any more.
    const search = await query<{ sightingsOfFace: { edges: unknown[] } }>(
      'query F($image: ImageInput!) { sightingsOfFace(image: $image) { edges { cursor } } }',
      { image: await lfwInput('Tony_Blair', 2) },
    );
    expect(search.sightingsOfFace.edges).toEqual([]);
  });

  it('purges sightings past their camera retention, with their crops', async () => {
    // The erasure above cleared every crop that named Tony Blair, and in a gallery of five every
    // sighting lists him as a candidate; a new stranger's sighting holds a crop again.
    clock += 600_000;
    await feed([...walkPast('Hugo_Chavez', 2, 5), ...emptyFrames(5)]);
    const rows = await server.db.prisma.sighting.findMany({ select: { cropImageKey: true } });
    expect(rows).toHaveLength(6);
    const keys = rows.flatMap((s) => (s.cropImageKey ? [s.cropImageKey] : []));
    expect(keys.length).toBeGreaterThan(0);
    const none = await server.services.sightings.purgeExpired({ kind: 'system' }, new Date(clock));
    expect(none.sightingsDeleted).toBe(0);
    const purged = await server.services.sightings.purgeExpired(
      { kind: 'system' },
      new Date(Date.now() + 31 * 86_400_000),
    );
    expect(purged.sightingsDeleted).toBe(6);
    expect(await server.db.prisma.sighting.count()).toBe(0);
    expect(await server.db.prisma.alert.count()).toBe(0);
    expect(await server.db.prisma.unknownCluster.count()).toBe(0);
    expect(purged.imagesDeleted).toBe(keys.length);
    for (const key of keys) expect(await server.imageStore.has(key)).toBe(false);
    // The crops the named cluster enrolled are Colin Powell's faces now: they stay.
    const powellFaces = await server.db.prisma.face.findMany({
      where: { identity: { externalId: 'cp' } },
      select: { imageKey: true },
    });
    expect(powellFaces).toHaveLength(2);
    for (const { imageKey } of powellFaces) expect(await server.imageStore.has(imageKey)).toBe(true);
  });

  /** Stranger tracks recorded straight through SightingsService.recordTrack, with crops that hold no face. */
  async function strangerTracks() {
    const camera = (await server.services.sightings.findCamera(cameraId))!;
    const modelId = server.recognition.defaultModelId();
    const { dims } = server.recognition.modelInfo(modelId);
    /** A unit vector near no face: a track of it is nobody known and joins no cluster. */
    const stranger = () => {
      const v = Float32Array.from({ length: dims }, () => Math.random() - 0.5);
      const norm = Math.hypot(...v);
      return v.map((x) => x / norm);
    };
    /** A crop with no face in it (noise, so each has its own key). */
    const noFace = () =>
      sharp(Buffer.from(Array.from({ length: 96 * 96 * 3 }, () => Math.floor(Math.random() * 256))), {
        raw: { width: 96, height: 96, channels: 3 },
      })
        .jpeg()
        .toBuffer();
    const track = async (cameraSettings = camera) => {
      const template = stranger();
      const crop = await noFace();
      const at = new Date((clock += 10_000));
      return {
        crop,
        record: () =>
          server.services.sightings.recordTrack(cameraSettings, {
            cameraId: cameraSettings.id,
            startedAt: at,
            endedAt: at,
            frames: 4,
            modelId,
            template,
            best: [{ box: { x: 10, y: 10, width: 40, height: 40 }, embedding: template, quality: 0.5, crop }],
          }),
      };
    };
    const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
    const identitiesNamed = (externalId: string) =>
      server.db.prisma.identity.count({ where: { galleryId, externalId } });
    const clusterStatus = async (id: string) =>
      (await server.db.prisma.unknownCluster.findUniqueOrThrow({ where: { id } })).status;
    const naming = `mutation N($c: ID!, $g: ID!, $x: String!) { nameUnknownCluster(clusterId: $c, newIdentity: { galleryId: $g, externalId: $x, displayName: "Named" }) {
         facesEnrolled cluster { status } identity { id faceCount } } }`;
    return { camera, track, sha256, identitiesNamed, clusterStatus, naming };
  }

  it('keeps no crop of a sighting that failed to record', async () => {
    const { camera, track, sha256 } = await strangerTracks();
    // A sighting whose write fails (its camera is gone) leaves no crop behind.
    const failing = await track({ ...camera, id: randomUUID() });
    await expect(failing.record()).rejects.toThrow();
    expect(await server.imageStore.has(sha256(failing.crop))).toBe(false);
  });

  it('names a cluster all or nothing: every crop refused, or a failure in the middle, writes nothing', async () => {
    const { track, identitiesNamed, clusterStatus, naming } = await strangerTracks();
    // Every crop refused (no face in them): no identity is created, the cluster stays OPEN.
    const blank = await (await track()).record();
    expect(blank.decision).toBe('UNKNOWN');
    const entriesBefore = await server.db.prisma.auditEntry.count();
    const refused = await server.graphql(naming, { c: blank.clusterId, g: galleryId, x: 'blank' }, admin);
    expect(refused.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(refused.errors?.[0]?.message).toMatch(/could be enrolled/);
    expect(await identitiesNamed('blank')).toBe(0);
    expect(await clusterStatus(blank.clusterId!)).toBe('OPEN');
    expect(await server.db.prisma.auditEntry.count()).toBe(entriesBefore);

    // A cluster whose crops are gone from the image store (purged meanwhile): the same.
    for (const { cropImageKey } of await server.db.prisma.sighting.findMany({
      where: { clusterId: blank.clusterId! },
    }))
      await server.imageStore.delete(cropImageKey!);
    const purged = await server.graphql(naming, { c: blank.clusterId, g: galleryId, x: 'blank' }, admin);
    expect(purged.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(purged.errors?.[0]?.message).toMatch(/purged or erased/);
    expect(await identitiesNamed('blank')).toBe(0);
    expect(await clusterStatus(blank.clusterId!)).toBe('OPEN');

    // A failure in the middle (the cluster's close fails after the faces were written) writes nothing.
    clock += 600_000;
    await feed([...walkPast('Hugo_Chavez', 2, 5), ...emptyFrames(5)]);
    const chavez = await server.db.prisma.sighting.findFirstOrThrow({
      where: { decision: 'UNKNOWN', clusterId: { not: blank.clusterId! } },
      orderBy: { startedAt: 'desc' },
    });
    const facesBefore = await server.db.prisma.face.count();
    const entries = await server.db.prisma.auditEntry.count();
    const lastSeq = (await server.db.prisma.auditEntry.findFirstOrThrow({ orderBy: { seq: 'desc' } })).seq;
    // FaceEnrolled reaches subscribers only after a commit (webhooks and the live feed hang on it).
    const enrolled: string[] = [];
    const unsubscribe = server.services.events.subscribe((e) => void enrolled.push(e.identityId), {
      scope: 'publisher',
      types: ['FaceEnrolled'],
    });
    const close = vi
      .spyOn(SightingsRepository.prototype, 'closeCluster')
      .mockRejectedValueOnce(new Error('injected: the close step failed'));
    try {
      const failed = await server.graphql(naming, { c: chavez.clusterId, g: galleryId, x: 'hc' }, admin);
      expect(failed.errors).toHaveLength(1);
      expect(close).toHaveBeenCalledTimes(1);
    } finally {
      close.mockRestore();
    }
    expect(await identitiesNamed('hc')).toBe(0);
    expect(await server.db.prisma.face.count()).toBe(facesBefore);
    expect(await server.db.prisma.auditEntry.count()).toBe(entries);
    expect(await clusterStatus(chavez.clusterId!)).toBe('OPEN');
    expect(enrolled).toEqual([]);
    // Its crop is still the sighting's.
    expect(await server.imageStore.has(chavez.cropImageKey!)).toBe(true);

    // Nothing in the way: the same naming goes through, with its faces and entries.
    const named = await query<{ nameUnknownCluster: Node }>(naming, {
      c: chavez.clusterId,
      g: galleryId,
      x: 'hc',
    });
    expect(named.nameUnknownCluster).toMatchObject({ facesEnrolled: 1, cluster: { status: 'NAMED' } });
    expect(named.nameUnknownCluster.identity).toMatchObject({ faceCount: 1 });
    unsubscribe();
    expect(enrolled).toEqual([named.nameUnknownCluster.identity.id]);
    const written = await server.db.prisma.auditEntry.findMany({
      where: { seq: { gt: lastSeq } },
      orderBy: { seq: 'asc' },
      select: { action: true },
    });
    expect(written.map((e) => e.action)).toEqual(['identity.create', 'face.enroll', 'unknownCluster.name']);
  });
});
