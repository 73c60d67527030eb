// Cameras over the GraphQL API on both databases: an admin registers, changes and deletes cameras
// (audited, with a source password masked), bad input gets typed errors naming the field, other
// roles only read; testCameraConnection decodes one frame of a real source; the supervisor (what the
// scheduler's camera-readers task runs) takes a camera made from LFW photos LIVE, hands its frames
// to the analyzer and writes the state that the API then shows; disabling stops it; a missing
// ffmpeg is FAILED with the reason and health says so.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TEST_DATABASE_MODES } from '@faceledger/db/testing';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, createUserAndSignIn, type AuthHeaders } from '../../../test/auth-helpers.js';
import { addGallery } from '../../../test/graphql-helpers.js';
import { lfwImage } from '../../../test/test-data.js';
import { startTestServer, type TestServer } from '../../../test/test-server.js';
import { FFMPEG_ERROR_HIDDEN } from '../health/health.service.js';
import type { CameraFrame, FrameAnalyzer } from './camera-frame.js';
import { makeSceneVideo, videoFrames, VideoHttpSource } from './testing/lfw-video.js';

const logger = pino({ level: process.env.LOG_LEVEL ?? 'silent' });
const CAMERA_FIELDS = 'id name sourceUrl fps enabled retentionDays galleryIds state stateReason measuredFps framesDecoded framesDropped lastFrameAt';
const CREATE = `mutation ($input: CreateCameraInput!) { createCamera(input: $input) { ${CAMERA_FIELDS} } }`;
const UPDATE = `mutation ($id: ID!, $input: UpdateCameraInput!) { updateCamera(id: $id, input: $input) { ${CAMERA_FIELDS} } }`;
const CAMERA = `query ($id: ID!) { camera(id: $id) { ${CAMERA_FIELDS} } }`;
const TEST_CONNECTION = 'mutation ($url: String, $id: ID, $t: Int) { testCameraConnection(sourceUrl: $url, cameraId: $id, timeoutSeconds: $t) { ok width height codec elapsedMs error } }';
const HEALTH = '{ health { ok cameras { ffmpeg { available path version error } total live failed stopped connecting stalled } } }';

interface CameraView {
  id: string;
  name: string;
  sourceUrl: string;
  fps: number;
  enabled: boolean;
  retentionDays: number;
  galleryIds: string[];
  state: string;
  stateReason: string | null;
  measuredFps: number;
  framesDecoded: number;
  framesDropped: number;
  lastFrameAt: string | null;
}

class CountingAnalyzer implements FrameAnalyzer {
  readonly frames: CameraFrame[] = [];
  analyze(frame: CameraFrame): Promise<void> {
    this.frames.push(frame);
    return Promise.resolve();
  }
}

async function waitFor<T>(what: string, read: () => Promise<T>, test: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (test(value)) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

let dir: string;
let video: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'faceledger-cameras-'));
  video = path.join(dir, 'door.mkv');
  await makeSceneVideo(
    [
      { image: lfwImage('Aaron_Sorkin', 1), seconds: 3 },
      { image: lfwImage('AJ_Cook', 1), seconds: 3 },
    ],
    video,
    { fps: 10, width: 320, height: 240 },
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe.each(TEST_DATABASE_MODES)('cameras on %s', (mode) => {
  let server: TestServer;
  let admin: AuthHeaders;
  let galleryId: string;

  async function create(input: Record<string, unknown>): Promise<{ camera?: CameraView; code?: string; field?: unknown; message?: string }> {
    const body = await server.graphql<{ createCamera: CameraView }>(CREATE, { input }, admin);
    const error = body.errors?.[0] as { message: string; extensions?: { code?: string; field?: unknown } } | undefined;
    return { camera: body.data?.createCamera, code: error?.extensions?.code, field: error?.extensions?.field, message: error?.message };
  }

  async function camera(id: string): Promise<CameraView> {
    const body = await server.graphql<{ camera: CameraView }>(CAMERA, { id }, admin);
    expect(body.errors).toBeUndefined();
    return body.data!.camera;
  }

  beforeAll(async () => {
    server = await startTestServer(mode);
    admin = await adminHeaders(server);
    galleryId = await addGallery(server, { name: 'Watchlist', matchThreshold: 0.6 }, admin);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('registers a camera with defaults, masks a source password, audits it and lists it', async () => {
    const { camera: created } = await create({ name: 'Gate', sourceUrl: 'rtsp://viewer:s3cret@10.1.2.30:554/stream1', galleryIds: [galleryId] });
    expect(created).toMatchObject({
      name: 'Gate',
      sourceUrl: 'rtsp://viewer:***@10.1.2.30:554/stream1',
      fps: 2,
      enabled: true,
      retentionDays: 30,
      galleryIds: [galleryId],
      state: 'CONNECTING',
      framesDecoded: 0,
    });
    const entry = await server.db.prisma.auditEntry.findFirst({ where: { action: 'camera.create', subject: `camera:${created!.id}` } });
    expect(JSON.stringify(entry?.payload)).toContain('rtsp://viewer:***@10.1.2.30');
    expect(JSON.stringify(entry?.payload)).not.toContain('s3cret');
    const stored = await server.db.prisma.camera.findUnique({ where: { id: created!.id } });
    expect(stored?.sourceUrl).toBe('rtsp://viewer:s3cret@10.1.2.30:554/stream1');
    const list = await server.graphql<{ cameras: Array<{ name: string }> }>('{ cameras { name } }', {}, admin);
    expect(list.data?.cameras.map((c) => c.name)).toContain('Gate');
    expect((await server.graphql('mutation ($id: ID!) { deleteCamera(id: $id) }', { id: created!.id }, admin)).data).toEqual({ deleteCamera: created!.id });
    expect((await server.graphql(CAMERA, { id: created!.id }, admin)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('refuses a bad source, fps or retention, an unknown gallery and a taken name, naming the field', async () => {
    const base = { name: 'Lobby', sourceUrl: video, galleryIds: [] };
    expect(await create({ ...base, sourceUrl: 'ftp://10.1.2.30/cam' })).toMatchObject({ code: 'BAD_INPUT', field: 'sourceUrl', message: expect.stringContaining('rtsp://') });
    expect(await create({ ...base, sourceUrl: 'videos/door.mkv' })).toMatchObject({ code: 'BAD_INPUT', field: 'sourceUrl' });
    expect(await create({ ...base, sourceUrl: '/srv/../etc/passwd' })).toMatchObject({ code: 'BAD_INPUT', field: 'sourceUrl' });
    expect(await create({ ...base, fps: 0 })).toMatchObject({ code: 'BAD_INPUT', field: 'fps', message: 'fps must be from 0.1 to 30 frames per second.' });
    expect(await create({ ...base, fps: 31 })).toMatchObject({ code: 'BAD_INPUT', field: 'fps' });
    expect(await create({ ...base, retentionDays: 0 })).toMatchObject({ code: 'BAD_INPUT', field: 'retentionDays' });
    expect(await create({ ...base, name: '  ' })).toMatchObject({ code: 'BAD_INPUT', field: 'name' });
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect(await create({ ...base, galleryIds: [galleryId, unknown] })).toMatchObject({ code: 'NOT_FOUND', field: 'galleryIds', message: expect.stringContaining(unknown) });
    const { camera: lobby } = await create({ ...base, enabled: false });
    expect(lobby?.state).toBe('STOPPED');
    expect(await create(base)).toMatchObject({ code: 'CONFLICT', field: 'name' });
    const badUpdate = await server.graphql(UPDATE, { id: lobby!.id, input: { fps: 100 } }, admin);
    expect(badUpdate.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_INPUT', field: 'fps' });
    expect((await camera(lobby!.id)).fps).toBe(2);
    await server.graphql('mutation ($id: ID!) { deleteCamera(id: $id) }', { id: lobby!.id }, admin);
  });

  it('lets reviewers and auditors read cameras and only admins change or test them', async () => {
    const reviewer = await createUserAndSignIn(server, 'REVIEWER');
    const hr = await createUserAndSignIn(server, 'HR');
    expect((await server.graphql('{ cameras { id } }', {}, reviewer)).errors).toBeUndefined();
    expect((await server.graphql('{ cameras { id } }', {}, hr)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const refused = await server.graphql(CREATE, { input: { name: 'X', sourceUrl: video, galleryIds: [] } }, reviewer);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await server.graphql(TEST_CONNECTION, { url: video }, reviewer)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('tests a connection: one decoded frame of a real source, or why none came', async () => {
    const ok = await server.graphql<{ testCameraConnection: Record<string, unknown> }>(TEST_CONNECTION, { url: video }, admin);
    expect(ok.data?.testCameraConnection).toMatchObject({ ok: true, width: 320, height: 240, codec: 'mjpeg', error: null });
    const refused = await server.graphql<{ testCameraConnection: Record<string, unknown> }>(TEST_CONNECTION, { url: 'http://127.0.0.1:4243/none.mjpg', t: 5 }, admin);
    expect(refused.data?.testCameraConnection).toMatchObject({ ok: false, width: null });
    expect(refused.data?.testCameraConnection.error).toMatch(/Connection refused/);
    const both = await server.graphql(TEST_CONNECTION, { url: video, id: galleryId }, admin);
    expect(both.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_INPUT' });
    const badTimeout = await server.graphql(TEST_CONNECTION, { url: video, t: 60 }, admin);
    expect(badTimeout.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_INPUT', field: 'timeoutSeconds' });
  });

  it('runs an enabled camera LIVE through the supervisor, with frames to the analyzer, and stops it when disabled', async () => {
    const { camera: door } = await create({ name: 'Door', sourceUrl: video, fps: 4, galleryIds: [galleryId] });
    const analyzer = new CountingAnalyzer();
    const supervisor = server.services.cameras.createSupervisor({
      analyzer,
      logger,
      reconcileMs: 200,
      statusWriteMs: 500,
      timings: { stallTimeoutMs: 2000, backoffInitialMs: 200, backoffMaxMs: 1000, fpsWindowMs: 2000 },
    });
    const stop = new AbortController();
    const running = supervisor.run(stop.signal);
    try {
      const live = await waitFor('LIVE with frames', () => camera(door!.id), (c) => c.state === 'LIVE' && c.framesDecoded >= 4 && c.measuredFps > 0);
      expect(live.lastFrameAt).not.toBeNull();
      expect(analyzer.frames.length).toBeGreaterThanOrEqual(4);
      expect(analyzer.frames[0]).toMatchObject({ cameraId: door!.id, width: 320, height: 240 });
      const health = await server.graphql<{ health: { cameras: { live: number; ffmpeg: { available: boolean; version: string } } } }>(HEALTH, {}, admin);
      expect(health.data?.health.cameras.live).toBe(1);
      expect(health.data?.health.cameras.ffmpeg).toMatchObject({ available: true, version: expect.stringMatching(/^ffmpeg version/) });
      // Without health.details: the same counts and availability, not ffmpeg's version line (it names the build).
      const anonymous = await server.graphql<{ health: { cameras: { live: number; ffmpeg: { available: boolean; version: string } } } }>(HEALTH);
      expect(anonymous.data?.health.cameras).toMatchObject({ live: 1, ffmpeg: { available: true, version: null, error: null } });

      const disabled = await server.graphql<{ setCameraEnabled: CameraView }>('mutation ($id: ID!) { setCameraEnabled(id: $id, enabled: false) { state enabled } }', { id: door!.id }, admin);
      expect(disabled.data?.setCameraEnabled).toEqual({ state: 'STOPPED', enabled: false });
      await waitFor('no reader', () => Promise.resolve(supervisor.readerCount), (n) => n === 0);
      const frames = analyzer.frames.length;
      await new Promise((resolve) => setTimeout(resolve, 800));
      expect(analyzer.frames.length).toBe(frames);
      expect((await camera(door!.id)).state).toBe('STOPPED');
    } finally {
      stop.abort();
      await running;
    }
    expect(supervisor.readerCount).toBe(0);
    await server.graphql('mutation ($id: ID!) { deleteCamera(id: $id) }', { id: door!.id }, admin);
  });

  it('shows a camera whose MJPEG source is killed mid-stream as STALLED, and LIVE again when it returns', async () => {
    const source = new VideoHttpSource({ port: 4244 + TEST_DATABASE_MODES.indexOf(mode), frames: await videoFrames(video), fps: 10 });
    await source.start();
    const { camera: street } = await create({ name: 'Street', sourceUrl: source.mjpegUrl, fps: 5, galleryIds: [] });
    const stop = new AbortController();
    const running = server.services.cameras
      .createSupervisor({ analyzer: null, logger, reconcileMs: 200, statusWriteMs: 500, timings: { stallTimeoutMs: 1500, backoffInitialMs: 200, backoffMaxMs: 1000 } })
      .run(stop.signal);
    try {
      await waitFor('LIVE', () => camera(street!.id), (c) => c.state === 'LIVE');
      await source.kill();
      const stalled = await waitFor('STALLED', () => camera(street!.id), (c) => c.state === 'STALLED');
      expect(stalled.stateReason).toBeTruthy();
      await source.start();
      const back = await waitFor('LIVE again', () => camera(street!.id), (c) => c.state === 'LIVE');
      expect(back.framesDecoded).toBeGreaterThan(0);
      expect(Date.parse(back.lastFrameAt!)).toBeGreaterThan(Date.parse(stalled.lastFrameAt!));
    } finally {
      stop.abort();
      await running;
      await source.kill();
    }
  });
});

describe.each(TEST_DATABASE_MODES)('cameras without ffmpeg on %s', (mode) => {
  let server: TestServer;
  let admin: AuthHeaders;

  beforeAll(async () => {
    server = await startTestServer(mode, { ffmpegPath: '/nonexistent/ffmpeg' });
    admin = await adminHeaders(server);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('marks cameras FAILED with the reason and says so in health, without crashing', async () => {
    const created = await server.graphql<{ createCamera: CameraView }>(CREATE, { input: { name: 'Yard', sourceUrl: video, galleryIds: [] } }, admin);
    const id = created.data!.createCamera.id;
    const stop = new AbortController();
    const running = server.services.cameras.createSupervisor({ analyzer: null, logger, reconcileMs: 200, timings: { backoffInitialMs: 200 } }).run(stop.signal);
    try {
      const failed = await waitFor(
        'FAILED',
        async () => (await server.graphql<{ camera: CameraView }>(CAMERA, { id }, admin)).data!.camera,
        (c) => c.state === 'FAILED',
      );
      expect(failed.stateReason).toBe(
        "ffmpeg could not be run from /nonexistent/ffmpeg (no such file); install Debian's ffmpeg package (apt-get install ffmpeg) or set FACELEDGER_FFMPEG_PATH to an ffmpeg binary.",
      );
      // An admin's health query has the path and the precise reason; without health.details (GET /healthz
      // too) the same state and counts, the file name and a fixed sentence, nothing of /nonexistent.
      const health = await server.graphql<{ health: { ok: boolean; cameras: { failed: number; ffmpeg: Record<string, unknown> } } }>(HEALTH, {}, admin);
      expect(health.data?.health).toMatchObject({
        ok: true,
        cameras: { failed: 1, ffmpeg: { available: false, path: '/nonexistent/ffmpeg', version: null, error: failed.stateReason } },
      });
      const anonymous = await server.graphql<{ health: { ok: boolean; cameras: { failed: number; ffmpeg: Record<string, unknown> } } }>(HEALTH);
      expect(anonymous.data?.health).toMatchObject({
        ok: true,
        cameras: { failed: 1, ffmpeg: { available: false, path: 'ffmpeg', version: null, error: FFMPEG_ERROR_HIDDEN } },
      });
      const healthz = await (await fetch(`${server.url}/healthz`)).text();
      expect(JSON.parse(healthz)).toMatchObject({ cameras: { failed: 1, ffmpeg: { available: false, path: 'ffmpeg', error: FFMPEG_ERROR_HIDDEN } } });
      expect(healthz).not.toContain('/nonexistent');
      const probe = await server.graphql<{ testCameraConnection: { ok: boolean; error: string } }>(TEST_CONNECTION, { id }, admin);
      expect(probe.data?.testCameraConnection).toMatchObject({ ok: false, error: failed.stateReason });
    } finally {
      stop.abort();
      await running;
    }
  });
});
