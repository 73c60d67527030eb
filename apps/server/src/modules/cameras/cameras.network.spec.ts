// Network cameras over the GraphQL API on both databases, read by the supervisor (what the
// scheduler's camera-readers task runs) with real ffmpeg: an rtsp:// camera with a password that is
// not there yet is FAILED with ffmpeg's reason (its password masked, as in sourceUrl), health counts
// it, and it goes LIVE by itself once the camera comes up (an RTSP server on 127.0.0.1 relaying an
// ffmpeg that plays a video of one LFW photo); HLS and MJPEG cameras over https:// with a
// self-signed certificate go LIVE; an HLS camera is STALLED while its server is away.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TEST_DATABASE_MODES } from '@faceledger/db/testing';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, createUserAndSignIn, type AuthHeaders } from '../../../test/auth-helpers.js';
import { lfwImage } from '../../../test/test-data.js';
import { startTestServer, type TestServer } from '../../../test/test-server.js';
import {
  makeHlsSegments,
  makeSceneVideo,
  makeSelfSignedCertificate,
  videoFrames,
  VideoHttpSource,
  type HlsSegments,
} from './testing/lfw-video.js';
import { RtspTestCamera } from './testing/rtsp-camera.js';

const logger = pino({ level: process.env.LOG_LEVEL ?? 'silent' });
/** This suite's ports (4795-4799, shared with camera-network-sources.spec: the files run one at a time). */
const HTTP_PORT = 4795;
const HTTPS_PORT = 4796;
const RTSPS_PORT = 4797;
const RTSP_PORT = 4799;
const CAMERA_FIELDS = 'id sourceUrl state stateReason framesDecoded lastFrameAt';
const CAMERA = `query ($id: ID!) { camera(id: $id) { ${CAMERA_FIELDS} } }`;
const CREATE = `mutation ($input: CreateCameraInput!) { createCamera(input: $input) { ${CAMERA_FIELDS} } }`;
const HEALTH = '{ health { cameras { total live failed stalled } } }';

interface CameraView {
  id: string;
  sourceUrl: string;
  state: string;
  stateReason: string | null;
  framesDecoded: number;
  lastFrameAt: string | null;
}

async function waitFor<T>(
  what: string,
  read: () => Promise<T>,
  test: (value: T) => boolean,
  timeoutMs = 30_000,
): Promise<T> {
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
let hls: HlsSegments;
let frames: Buffer[];
let tls: { key: Buffer; cert: Buffer };
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'faceledger-cameras-net-'));
  video = path.join(dir, 'sorkin.mkv');
  await makeSceneVideo([{ image: lfwImage('Aaron_Sorkin', 1), seconds: 6 }], video, {
    fps: 10,
    width: 320,
    height: 240,
  });
  await mkdir(path.join(dir, 'hls'));
  hls = await makeHlsSegments(video, path.join(dir, 'hls'), { seconds: 1, loops: 20 });
  frames = await videoFrames(video);
  tls = await makeSelfSignedCertificate(dir);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe.each(TEST_DATABASE_MODES)('network cameras on %s', (mode) => {
  let server: TestServer;
  let admin: AuthHeaders;
  let reviewer: AuthHeaders;
  let stop: AbortController;
  let running: Promise<void>;

  async function camera(id: string, as = admin): Promise<CameraView> {
    const body = await server.graphql<{ camera: CameraView }>(CAMERA, { id }, as);
    expect(body.errors).toBeUndefined();
    return body.data!.camera;
  }

  async function create(name: string, sourceUrl: string): Promise<CameraView> {
    const body = await server.graphql<{ createCamera: CameraView }>(
      CREATE,
      { input: { name, sourceUrl, fps: 4, galleryIds: [] } },
      admin,
    );
    expect(body.errors).toBeUndefined();
    return body.data!.createCamera;
  }

  beforeAll(async () => {
    server = await startTestServer(mode);
    admin = await adminHeaders(server);
    reviewer = await createUserAndSignIn(server, 'REVIEWER');
    stop = new AbortController();
    running = server.services.cameras
      .createSupervisor({
        analyzer: null,
        logger,
        reconcileMs: 200,
        statusWriteMs: 500,
        timings: { stallTimeoutMs: 1500, backoffInitialMs: 200, backoffMaxMs: 1000, fpsWindowMs: 2000 },
      })
      .run(stop.signal);
  });
  afterAll(async () => {
    stop?.abort();
    await running;
    await server?.close();
  });

  it('shows an rtsp:// camera that is not there as FAILED with the reason, its password masked, and LIVE once it comes up', async () => {
    const rtsp = new RtspTestCamera({ port: RTSP_PORT, video, credentials: 'viewer:s3cret' });
    const gate = await create('Gate', rtsp.url('viewer:s3cret'));
    expect(gate.sourceUrl).toBe(rtsp.url('viewer:***'));
    try {
      const failed = await waitFor(
        'FAILED',
        () => camera(gate.id, reviewer),
        (c) => c.state === 'FAILED',
      );
      expect(failed.stateReason).toMatch(/ffmpeg exited with \d+: .*Connection refused/);
      expect(failed.stateReason).toContain('viewer:***@127.0.0.1');
      expect(failed.stateReason).not.toContain('s3cret');
      const health = await server.graphql<{ health: { cameras: { failed: number } } }>(HEALTH, {}, admin);
      expect(health.data?.health.cameras.failed).toBeGreaterThanOrEqual(1);
      // Nothing in the API or the ledger carries the password (the row keeps it for ffmpeg only).
      const list = await server.graphql('{ cameras { sourceUrl stateReason } }', {}, reviewer);
      expect(JSON.stringify(list)).not.toContain('s3cret');
      await rtsp.start();
      const live = await waitFor(
        'LIVE by itself',
        () => camera(gate.id),
        (c) => c.state === 'LIVE' && c.framesDecoded > 2,
      );
      expect(live.stateReason).toBeNull();
    } finally {
      await rtsp.kill();
    }
    const stalled = await waitFor(
      'STALLED once the camera is gone',
      () => camera(gate.id),
      (c) => c.state === 'STALLED',
    );
    expect(stalled.stateReason).not.toContain('s3cret');
    await server.graphql('mutation ($id: ID!) { deleteCamera(id: $id) }', { id: gate.id }, admin);
  });

  it('runs an HLS and an MJPEG camera over https:// with a self-signed certificate LIVE', async () => {
    // ffmpeg does not check a camera's certificate (its tls_verify is off by default), so a camera
    // with the self-signed certificate it ships with is read as over http://.
    const source = new VideoHttpSource({ port: HTTPS_PORT, frames, fps: 10, hls, tls });
    await source.start();
    try {
      const hall = await create('Hall', `${source.baseUrl}/live.m3u8`);
      const yard = await create('Yard', source.mjpegUrl);
      expect(hall.sourceUrl).toMatch(/^https:\/\//);
      for (const id of [hall.id, yard.id]) {
        const live = await waitFor(
          'LIVE over https',
          () => camera(id),
          (c) => c.state === 'LIVE' && c.framesDecoded > 2,
        );
        expect(live.stateReason).toBeNull();
      }
      for (const id of [hall.id, yard.id])
        await server.graphql('mutation ($id: ID!) { deleteCamera(id: $id) }', { id }, admin);
    } finally {
      await source.kill();
    }
  });

  it('runs an rtsps:// camera with a password and a self-signed certificate LIVE', async () => {
    const rtsp = new RtspTestCamera({
      port: RTSP_PORT,
      video,
      credentials: 'viewer:s3cret',
      tls: { port: RTSPS_PORT, ...tls },
    });
    await rtsp.start();
    try {
      const dock = await create('Dock', rtsp.secureUrl('viewer:s3cret'));
      expect(dock.sourceUrl).toBe(rtsp.secureUrl('viewer:***'));
      const live = await waitFor(
        'LIVE over rtsps',
        () => camera(dock.id),
        (c) => c.state === 'LIVE' && c.framesDecoded > 2,
      );
      expect(live.stateReason).toBeNull();
      await server.graphql('mutation ($id: ID!) { deleteCamera(id: $id) }', { id: dock.id }, admin);
    } finally {
      await rtsp.kill();
    }
  });

  it('runs an HLS camera LIVE, STALLED while its server is away and LIVE again when it is back', async () => {
    const source = new VideoHttpSource({ port: HTTP_PORT, frames: [], fps: 10, hls });
    await source.start();
    try {
      const lobby = await create('Lobby', `${source.baseUrl}/live.m3u8`);
      await waitFor(
        'LIVE',
        () => camera(lobby.id),
        (c) => c.state === 'LIVE' && c.framesDecoded > 2,
      );
      await source.kill();
      const stalled = await waitFor(
        'STALLED',
        () => camera(lobby.id),
        (c) => c.state === 'STALLED',
      );
      expect(stalled.stateReason).toBeTruthy();
      const health = await server.graphql<{ health: { cameras: { stalled: number } } }>(HEALTH, {}, admin);
      expect(health.data?.health.cameras.stalled).toBeGreaterThanOrEqual(1);
      await source.start();
      const back = await waitFor(
        'LIVE again',
        () => camera(lobby.id),
        (c) => c.state === 'LIVE' && Date.parse(c.lastFrameAt!) > Date.parse(stalled.lastFrameAt!),
      );
      expect(back.stateReason).toBeNull();
      await server.graphql('mutation ($id: ID!) { deleteCamera(id: $id) }', { id: lobby.id }, admin);
    } finally {
      await source.kill();
    }
  });
});
