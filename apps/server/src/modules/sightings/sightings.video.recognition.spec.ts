// The acceptance of issue 16 end to end, on PGlite and PostgreSQL with the real engine and ffmpeg: a
// video made with ffmpeg from LFW photos (an enrolled person, a stranger shown twice, another
// stranger, blank gaps) is served over HTTP as a file and read by the camera supervisor's ffmpeg
// reader at 2 fps into the sightings analyzer. The enrolled person yields ONE MATCH sighting and ONE
// alert (also on the local MQTT broker); the strangers none; the stranger shown twice lands in one
// unknown cluster.
import { mkdtemp, rm } from 'node:fs/promises';
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
import { listenForAlerts, type AlertListener } from '../../../test/mqtt-alerts.js';
import { enrollWatchlist } from '../../../test/watchlist.js';
import { makeSceneVideo, videoFrames, VideoHttpSource } from '../cameras/testing/lfw-video.js';

/** This suite's port (4260-4279 are the sightings tests'); one per database mode. */
const PORTS = { pglite: 4262, postgres: 4263 } as const;
/** Each person is shown this long, with a blank this long after each: 36 s of video. */
const SCENE_SECONDS = 5;
const GAP_SECONDS = 4;
/** The camera's analysis rate. */
const FPS = 2;

describe.each(TEST_DATABASE_MODES)('sightings from an ffmpeg video over HTTP on %s', (mode) => {
  let server: TestServer;
  let admin: AuthHeaders;
  let galleryId: string;
  let blairId: string;
  let dir: string;
  let source: VideoHttpSource;
  let mqtt: AlertListener;
  const prefix = `faceledger-video-${mode}-${Date.now()}`;

  beforeAll(async () => {
    ({ server, admin, galleryId } = await startRecognitionGallery(mode, { name: 'Watchlist' }));
    blairId = await enrollWatchlist(server, admin, galleryId, [1, 3]);
    dir = await mkdtemp(path.join(tmpdir(), 'faceledger-sightings-video-'));
    const blank = path.join(dir, 'blank.jpg');
    await sharp({ create: { width: 250, height: 250, channels: 3, background: { r: 90, g: 90, b: 90 } } })
      .jpeg()
      .toFile(blank);
    const video = path.join(dir, 'people.mkv');
    await makeSceneVideo(
      [
        { image: lfwImage('Tony_Blair', 2), seconds: SCENE_SECONDS },
        { image: blank, seconds: GAP_SECONDS },
        { image: lfwImage('Colin_Powell', 1), seconds: SCENE_SECONDS },
        { image: blank, seconds: GAP_SECONDS },
        { image: lfwImage('Hugo_Chavez', 1), seconds: SCENE_SECONDS },
        { image: blank, seconds: GAP_SECONDS },
        { image: lfwImage('Colin_Powell', 2), seconds: SCENE_SECONDS },
        { image: blank, seconds: GAP_SECONDS },
      ],
      video,
      { fps: 10 },
    );
    source = new VideoHttpSource({
      port: PORTS[mode],
      frames: await videoFrames(video),
      fps: 10,
      videoFile: video,
    });
    await source.start();
    mqtt = await listenForAlerts(server, prefix);
  }, 600_000);

  afterAll(async () => {
    await source?.kill();
    await mqtt?.close();
    await server?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('reads the video into one MATCH sighting and one alert for the enrolled person, and one cluster for the stranger shown twice', async () => {
    await server.db.prisma.camera.create({
      data: {
        name: 'Door',
        sourceUrl: source.fileUrl,
        fps: 2,
        createdBy: 'test',
        galleries: { create: [{ galleryId }] },
      },
    });
    const supervisor = server.services.cameras.createSupervisor({
      analyzer: server.services.sightingAnalyzer,
      logger: pino({ level: 'silent' }),
      statusWriteMs: 500,
    });
    const stop = new AbortController();
    const running = supervisor.run(stop.signal);
    // Read the video once (36 s at 2 fps; at its end the reader would replay it), then record the
    // tracks still open. A busy machine drops frames, which only lowers the analysed rate.
    const frameCount = 4 * (SCENE_SECONDS + GAP_SECONDS) * FPS;
    const deadline = Date.now() + 150_000;
    const decoded = async () =>
      (await server.db.prisma.camera.findFirst({ select: { framesDecoded: true } }))?.framesDecoded ?? 0;
    while (Date.now() < deadline && (await decoded()) < frameCount - 2)
      await new Promise((resolve) => setTimeout(resolve, 250));
    stop.abort();
    await running;
    await server.services.sightingAnalyzer.flush();

    const sightings = await server.db.prisma.sighting.findMany({
      orderBy: { startedAt: 'asc' },
      select: {
        decision: true,
        identityId: true,
        clusterId: true,
        frames: true,
        startedAt: true,
        endedAt: true,
        score: true,
      },
    });
    const camera = await server.db.prisma.camera.findFirst({
      select: { framesDecoded: true, framesDropped: true },
    });
    // What the reader and the tracker did, in the failure message.
    const seen = JSON.stringify({ camera, sightings });
    expect(
      sightings.map((s) => s.decision),
      seen,
    ).toEqual(['MATCH', 'UNKNOWN', 'UNKNOWN', 'UNKNOWN']);
    expect(sightings[0]!.identityId).toBe(blairId);
    expect(sightings[0]!.frames).toBeGreaterThan(3);
    const [, powell1, chavez, powell2] = sightings;
    expect(powell2!.clusterId).toBe(powell1!.clusterId);
    expect(chavez!.clusterId).not.toBe(powell1!.clusterId);
    const alerts = await server.db.prisma.alert.findMany({ select: { kind: true, identityId: true } });
    expect(alerts).toEqual([{ kind: 'WATCHLIST_MATCH', identityId: blairId }]);
    await mqtt.waitFor(1);
    expect(mqtt.alerts).toEqual([
      expect.objectContaining({ kind: 'WATCHLIST_MATCH', cameraName: 'Door', label: 'Tony Blair' }),
    ]);
  });
});
