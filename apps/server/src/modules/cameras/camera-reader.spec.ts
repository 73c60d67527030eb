// The reader against real ffmpeg and a real video made from LFW photos: served as a live MJPEG
// stream over HTTP, as a plain file over HTTP and as a file path. Frames reach the analyzer at the
// camera's fps and decode to the video's size; killing the HTTP source marks the camera STALLED and
// it goes LIVE again when the source returns; a missing ffmpeg is FAILED with the reason; a slow
// analyzer makes the reader drop frames instead of waiting.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lfwImage } from '../../../test/test-data.js';
import type { CameraFrame, FrameAnalyzer } from './camera-frame.js';
import { CameraReader, type ReaderTimings } from './camera-reader.js';
import { parseCameraSource } from './camera-source.js';
import { makeSceneVideo, videoFrames, VideoHttpSource } from './testing/lfw-video.js';

const logger = pino({ level: process.env.LOG_LEVEL ?? 'silent' });
const FAST: Partial<ReaderTimings> = { stallTimeoutMs: 1500, backoffInitialMs: 200, backoffMaxMs: 1000, fpsWindowMs: 2000 };

class CountingAnalyzer implements FrameAnalyzer {
  readonly frames: CameraFrame[] = [];
  constructor(private readonly delayMs = 0) {}
  async analyze(frame: CameraFrame): Promise<void> {
    this.frames.push(frame);
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
  }
}

async function waitFor(what: string, test: () => boolean, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('CameraReader', () => {
  let dir: string;
  let video: string;
  let source: VideoHttpSource;
  const readers: CameraReader[] = [];

  function reader(sourceUrl: string, analyzer: FrameAnalyzer | null, fps = 5, ffmpegPath = 'ffmpeg'): CameraReader {
    const created = new CameraReader({ cameraId: 'camera-1', source: parseCameraSource(sourceUrl), fps, ffmpegPath, analyzer, logger, timings: FAST });
    readers.push(created);
    created.start();
    return created;
  }

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'faceledger-camera-'));
    video = path.join(dir, 'people.mkv');
    // Three people, 2 s each, 320x240 at 10 fps.
    await makeSceneVideo(
      [
        { image: lfwImage('Aaron_Sorkin', 1), seconds: 2 },
        { image: lfwImage('Abba_Eban', 1), seconds: 2 },
        { image: lfwImage('AJ_Cook', 1), seconds: 2 },
      ],
      video,
      { fps: 10, width: 320, height: 240 },
    );
    source = new VideoHttpSource({ port: 4241, frames: await videoFrames(video), fps: 10, videoFile: video });
    await source.start();
  });
  afterAll(async () => {
    await Promise.all(readers.map((r) => r.stop()));
    await source?.kill();
    await rm(dir, { recursive: true, force: true });
  });

  it('goes LIVE on an MJPEG stream over HTTP and hands the analyzer frames of the video size at its fps', async () => {
    const analyzer = new CountingAnalyzer();
    const camera = reader(source.mjpegUrl, analyzer, 5);
    expect(camera.snapshot().state).toBe('CONNECTING');
    await waitFor('10 frames', () => analyzer.frames.length >= 10);
    const status = camera.snapshot();
    expect(status.state).toBe('LIVE');
    expect(status.framesDecoded).toBeGreaterThanOrEqual(10);
    expect(status.measuredFps).toBeGreaterThan(1);
    expect(status.measuredFps).toBeLessThan(8);
    const frame = analyzer.frames.at(-1)!;
    expect(frame).toMatchObject({ cameraId: 'camera-1', width: 320, height: 240 });
    expect(analyzer.frames.map((f) => f.sequence).slice(0, 3)).toEqual([0, 1, 2]);
    const decoded = await sharp(frame.jpeg).metadata();
    expect([decoded.format, decoded.width, decoded.height]).toEqual(['jpeg', 320, 240]);
    await camera.stop();
    expect(camera.snapshot().state).toBe('STOPPED');
  });

  it('marks a live camera STALLED when its HTTP source is killed and LIVE again when it returns', async () => {
    const analyzer = new CountingAnalyzer();
    const camera = reader(source.mjpegUrl, analyzer, 5);
    await waitFor('LIVE', () => camera.snapshot().state === 'LIVE');
    await source.kill();
    await waitFor('STALLED', () => camera.snapshot().state === 'STALLED');
    expect(camera.snapshot().reason).toBeTruthy();
    const before = analyzer.frames.length;
    // Down for a while: it keeps retrying and stays STALLED (it was live), never FAILED.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(camera.snapshot().state).toBe('STALLED');
    await source.start();
    await waitFor('LIVE again', () => camera.snapshot().state === 'LIVE' && analyzer.frames.length > before + 2);
    await camera.stop();
  });

  it('replays a file path and a video file over HTTP at the video speed', async () => {
    for (const url of [video, source.fileUrl]) {
      const analyzer = new CountingAnalyzer();
      const camera = reader(url, analyzer, 4);
      await waitFor(`frames of ${url}`, () => analyzer.frames.length >= 6);
      const status = camera.snapshot();
      expect(status.state).toBe('LIVE');
      // 4 fps of a real-time replay: 6 frames take more than a second.
      expect(Date.now() - status.stateChangedAt.getTime()).toBeGreaterThan(900);
      expect(analyzer.frames[0]).toMatchObject({ width: 320, height: 240 });
      await camera.stop();
    }
  });

  it('drops frames while the analyzer is busy instead of waiting for it', async () => {
    const analyzer = new CountingAnalyzer(700);
    const camera = reader(source.mjpegUrl, analyzer, 10);
    await waitFor('dropped frames', () => camera.snapshot().framesDropped >= 5);
    const status = camera.snapshot();
    expect(status.framesDecoded).toBe(analyzer.frames.length + status.framesDropped);
    expect(analyzer.frames.length).toBeLessThan(status.framesDecoded / 2);
    await camera.stop();
  });

  it('is FAILED with the reason when ffmpeg is missing, and when the source never answers', async () => {
    const missing = reader(source.mjpegUrl, null, 2, path.join(dir, 'no-such-ffmpeg'));
    await waitFor('FAILED', () => missing.snapshot().state === 'FAILED');
    expect(missing.snapshot().reason).toMatch(/ffmpeg could not be run from .*no-such-ffmpeg \(no such file\); install Debian's ffmpeg package/);
    const refused = reader('http://127.0.0.1:4242/none.mjpg', null, 2);
    await waitFor('FAILED', () => refused.snapshot().state === 'FAILED');
    expect(refused.snapshot().reason).toMatch(/ffmpeg exited with \d+: .*Connection refused/);
  });
});
