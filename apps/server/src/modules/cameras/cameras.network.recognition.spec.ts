// Camera to sighting over the network sources, on PGlite and PostgreSQL with the real engine and
// ffmpeg: a video made from LFW photos (an enrolled person, then a blank) is served on 127.0.0.1 as
// a live HLS playlist (H.264 segments cut by ffmpeg's hls muxer), as a live MJPEG stream and by an
// rtsp:// camera with a password, and read one camera at a time by the supervisor into the sightings
// analyzer. Each camera yields a MATCH sighting of the enrolled person.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TEST_DATABASE_MODES } from '@faceledger/db/testing';
import { pino } from 'pino';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthHeaders } from '../../../test/auth-helpers.js';
import { startRecognitionGallery } from '../../../test/recognition-gallery.js';
import { lfwImage } from '../../../test/test-data.js';
import type { TestServer } from '../../../test/test-server.js';
import { enrollWatchlist } from '../../../test/watchlist.js';
import { makeHlsSegments, makeSceneVideo, videoFrames, VideoHttpSource } from './testing/lfw-video.js';
import { RtspTestCamera } from './testing/rtsp-camera.js';

/** This suite's ports (4795-4799, shared with the other camera network specs: files run one at a time). */
const HTTP_PORT = 4795;
const RTSP_PORT = 4799;

describe.each(TEST_DATABASE_MODES)('sightings from network cameras on %s', (mode) => {
  let server: TestServer;
  let admin: AuthHeaders;
  let galleryId: string;
  let blairId: string;
  let dir: string;
  let http: VideoHttpSource;
  let rtsp: RtspTestCamera;

  beforeAll(async () => {
    ({ server, admin, galleryId } = await startRecognitionGallery(mode, { name: 'Watchlist' }));
    blairId = await enrollWatchlist(server, admin, galleryId, [1, 3]);
    dir = await mkdtemp(path.join(tmpdir(), `faceledger-net-sightings-${mode}-`));
    const blank = path.join(dir, 'blank.jpg');
    await sharp({ create: { width: 250, height: 250, channels: 3, background: { r: 90, g: 90, b: 90 } } })
      .jpeg()
      .toFile(blank);
    // Blair for 6 s, then 4 s of nothing (his track closes), looped by each source.
    const video = path.join(dir, 'blair.mkv');
    await makeSceneVideo(
      [
        { image: lfwImage('Tony_Blair', 2), seconds: 6 },
        { image: blank, seconds: 4 },
      ],
      video,
      { fps: 10 },
    );
    await mkdir(path.join(dir, 'hls'));
    const hls = await makeHlsSegments(video, path.join(dir, 'hls'), { seconds: 1, loops: 30 });
    http = new VideoHttpSource({ port: HTTP_PORT, frames: await videoFrames(video), fps: 10, hls });
    await http.start();
    rtsp = new RtspTestCamera({ port: RTSP_PORT, video, credentials: 'viewer:s3cret' });
    await rtsp.start();
  }, 600_000);

  afterAll(async () => {
    await http?.kill();
    await rtsp?.kill();
    await server?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it.each([
    ['a live HLS playlist', () => `${http.baseUrl}/live.m3u8`],
    ['a live MJPEG stream', () => http.mjpegUrl],
    ['an rtsp:// camera', () => rtsp.url('viewer:s3cret')],
  ])('reads %s into a MATCH sighting of the enrolled person', async (name, url) => {
    const camera = await server.db.prisma.camera.create({
      data: { name, sourceUrl: url(), fps: 2, createdBy: 'test', galleries: { create: [{ galleryId }] } },
    });
    const supervisor = server.services.cameras.createSupervisor({
      analyzer: server.services.sightingAnalyzer,
      logger: pino({ level: 'silent' }),
      statusWriteMs: 500,
    });
    const stop = new AbortController();
    const running = supervisor.run(stop.signal);
    const matched = () =>
      server.db.prisma.sighting.findFirst({
        where: { cameraId: camera.id, decision: 'MATCH' },
        select: { identityId: true, frames: true },
      });
    try {
      const deadline = Date.now() + 150_000;
      while (Date.now() < deadline && !(await matched()))
        await new Promise((resolve) => setTimeout(resolve, 250));
    } finally {
      stop.abort();
      await running;
      await server.services.sightingAnalyzer.flush();
    }
    const status = await server.db.prisma.camera.findUniqueOrThrow({
      where: { id: camera.id },
      select: { framesDecoded: true, framesDropped: true, stateReason: true },
    });
    const sightings = await server.db.prisma.sighting.findMany({
      where: { cameraId: camera.id },
      select: { decision: true, identityId: true, frames: true },
    });
    const seen = JSON.stringify({ status, sightings });
    expect(sightings.length, seen).toBeGreaterThan(0);
    expect(
      sightings.filter((s) => s.decision === 'MATCH').map((s) => s.identityId),
      seen,
    ).toContain(blairId);
    // Only Blair is ever shown: no other decision about another person.
    expect(
      sightings.every((s) => s.decision === 'MATCH' && s.identityId === blairId),
      seen,
    ).toBe(true);
    await server.db.prisma.camera.delete({ where: { id: camera.id } });
  });
});
