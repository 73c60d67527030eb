// The reader against the network sources the product promises, with real ffmpeg and a video made
// from one LFW photo (Aaron Sorkin), served by a local HTTP server on 127.0.0.1: an HLS playlist
// (finished, and live with a window that moves on with the clock; H.264 segments cut by ffmpeg's
// hls muxer), a live MJPEG stream and a video file over HTTP. Each goes LIVE and hands the analyzer
// frames that show him (closer to his photo than to two other people's). The failures a security
// team sees: the server going away mid-HLS marks the camera STALLED and it goes LIVE again when the
// server is back; a 404 playlist and an HTML page where video was expected are FAILED with ffmpeg's
// reason, and the reader keeps asking; an rtsp:// camera that refuses the connection, one that
// accepts it and never answers, and one that answers 404 are FAILED with the reason and retried.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lfwImage } from '../../../test/test-data.js';
import type { CameraFrame, FrameAnalyzer } from './camera-frame.js';
import { CameraReader, type ReaderTimings } from './camera-reader.js';
import { detectHttpTiming, parseCameraSource } from './camera-source.js';
import { probeSource } from './ffmpeg.js';
import { makeHlsSegments, makeSceneVideo, videoFrames, VideoHttpSource } from './testing/lfw-video.js';
import { RtspTestCamera } from './testing/rtsp-camera.js';

const logger = pino({ level: process.env.LOG_LEVEL ?? 'silent' });
const FAST: Partial<ReaderTimings> = {
  stallTimeoutMs: 1500,
  backoffInitialMs: 200,
  backoffMaxMs: 1000,
  fpsWindowMs: 2000,
};
/** This suite's ports (4795-4799). */
const HTTP_PORT = 4795;
const RTSP_SILENT_PORT = 4796;
const RTSP_404_PORT = 4797;
const CLOSED_PORT = 4798;
const RTSP_CAMERA_PORT = 4799;

const PERSON = lfwImage('Aaron_Sorkin', 1);
const OTHERS = [lfwImage('AJ_Cook', 1), lfwImage('Abba_Eban', 1)];

class CountingAnalyzer implements FrameAnalyzer {
  readonly frames: CameraFrame[] = [];
  analyze(frame: CameraFrame): Promise<void> {
    this.frames.push(frame);
    return Promise.resolve();
  }
}

async function waitFor(what: string, test: () => boolean, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A 32x32 grey thumbnail of an image stretched to 320x240 (as the video shows it). */
async function thumbnail(image: string | Buffer): Promise<Buffer> {
  const frame = await sharp(image).resize(320, 240, { fit: 'fill' }).greyscale().raw().toBuffer();
  return sharp(frame, { raw: { width: 320, height: 240, channels: 1 } })
    .resize(32, 32, { fit: 'fill' })
    .raw()
    .toBuffer();
}

function meanDifference(a: Buffer, b: Buffer): number {
  let sum = 0;
  for (let i = 0; i < a.length; i += 1) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}

/** Whether a decoded frame shows PERSON's photo: close to it, and closer to it than to the others'. */
async function showsPerson(jpeg: Buffer): Promise<{ person: number; others: number[] }> {
  const frame = await thumbnail(jpeg);
  return {
    person: meanDifference(frame, await thumbnail(PERSON)),
    others: await Promise.all(OTHERS.map(async (other) => meanDifference(frame, await thumbnail(other)))),
  };
}

describe('CameraReader on network sources', () => {
  let dir: string;
  let video: string;
  let source: VideoHttpSource;
  let rtsp: RtspTestCamera;
  const readers: CameraReader[] = [];
  const servers: net.Server[] = [];

  /** Starts a reader; `reasons` gets the reason at each change of state or reason. */
  function reader(
    sourceUrl: string,
    analyzer: FrameAnalyzer | null,
    fps = 4,
    reasons?: Array<string | null>,
  ): CameraReader {
    const created: CameraReader = new CameraReader({
      cameraId: 'camera-net',
      source: parseCameraSource(sourceUrl),
      fps,
      ffmpegPath: 'ffmpeg',
      analyzer,
      logger,
      timings: FAST,
      onStateChange: () => reasons?.push(created.snapshot().reason),
    });
    readers.push(created);
    created.start();
    return created;
  }

  /** A TCP server on `port` that answers each connection with `onConnection`; counts connections. */
  async function tcpServer(
    port: number,
    onConnection: (socket: net.Socket) => void,
  ): Promise<{ connections: () => number }> {
    let count = 0;
    const server = net.createServer((socket) => {
      count += 1;
      socket.on('error', () => undefined);
      onConnection(socket);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    servers.push(server);
    return { connections: () => count };
  }

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'faceledger-camera-net-'));
    video = path.join(dir, 'sorkin.mkv');
    await makeSceneVideo([{ image: PERSON, seconds: 6 }], video, { fps: 10, width: 320, height: 240 });
    const hlsDir = path.join(dir, 'hls');
    await mkdir(hlsDir);
    // 60 one-second segments: the live playlist does not reach its end while the tests run.
    const hls = await makeHlsSegments(video, hlsDir, { seconds: 1, loops: 10, fps: 10 });
    expect(hls.count).toBeGreaterThanOrEqual(55);
    source = new VideoHttpSource({
      port: HTTP_PORT,
      frames: await videoFrames(video),
      fps: 10,
      videoFile: video,
      hls,
    });
    await source.start();
    rtsp = new RtspTestCamera({ port: RTSP_CAMERA_PORT, video, credentials: 'viewer:s3cret' });
    await rtsp.start();
  });
  afterAll(async () => {
    await Promise.all(readers.map((r) => r.stop()));
    await source?.kill();
    await rtsp?.kill();
    for (const server of servers) server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it.each([
    ['a finished HLS playlist', '/vod.m3u8'],
    ['a live HLS playlist', '/live.m3u8'],
    ['a live MJPEG stream', '/stream.mjpg'],
    ['a video file over HTTP', '/video.mkv'],
    ['an rtsp:// camera with a password (H.264 over RTP on the RTSP connection)', 'rtsp'],
  ])('goes LIVE on %s and hands the analyzer frames of the person in it', async (_, file) => {
    const analyzer = new CountingAnalyzer();
    const camera = reader(file === 'rtsp' ? rtsp.url('viewer:s3cret') : `${source.baseUrl}${file}`, analyzer);
    await waitFor('6 frames', () => analyzer.frames.length >= 6);
    const status = camera.snapshot();
    expect(status).toMatchObject({ state: 'LIVE', reason: null });
    expect(status.measuredFps).toBeGreaterThan(0);
    for (const frame of analyzer.frames.slice(0, 6)) {
      expect(frame).toMatchObject({ cameraId: 'camera-net', width: 320, height: 240 });
      const { person, others } = await showsPerson(frame.jpeg);
      expect(person, `difference to the person's photo (others: ${others.join(', ')})`).toBeLessThan(12);
      for (const other of others) expect(other).toBeGreaterThan(person * 2);
    }
    await camera.stop();
    expect(camera.snapshot().state).toBe('STOPPED');
  });

  it('tells a file or playlist from a live stream by what the server answers, and says null when it cannot ask', async () => {
    const asked = async (file: string): Promise<string | null> =>
      detectHttpTiming(`${source.baseUrl}${file}`);
    expect(await asked('/live?camera=lobby')).toBe('timed');
    expect(await asked('/playlist?clip=7')).toBe('timed');
    expect(await asked('/download?id=7')).toBe('timed');
    expect(await asked('/stream.mjpg')).toBe('live');
    // Not video at all: ffmpeg is started as for a stream and says what it found.
    expect(await asked('/index.html')).toBe('live');
    expect(await asked('/missing')).toBeNull();
    expect(await detectHttpTiming(`http://127.0.0.1:${CLOSED_PORT}/live`)).toBeNull();
  });

  it.each([
    ['a live HLS playlist', '/live?camera=lobby'],
    ['a finished HLS playlist', '/playlist?clip=7'],
    ['a video file', '/download?id=7'],
  ])('reads %s at a path without an extension at its own speed, staying LIVE', async (_, file) => {
    const analyzer = new CountingAnalyzer();
    const states: string[] = [];
    const camera: CameraReader = new CameraReader({
      cameraId: 'camera-net',
      source: parseCameraSource(`${source.baseUrl}${file}`),
      fps: 4,
      ffmpegPath: 'ffmpeg',
      analyzer,
      logger,
      timings: FAST,
      onStateChange: () => states.push(camera.snapshot().state),
    });
    readers.push(camera);
    camera.start();
    // Taken for a live MJPEG stream (stamped with arrival times, no -re), ffmpeg read the whole
    // file or playlist window at once and the fps filter kept one frame of it, then the source ended.
    await waitFor('10 frames', () => analyzer.frames.length >= 10);
    expect(states).toEqual(['LIVE']);
    expect(camera.snapshot().measuredFps).toBeGreaterThan(2);
    for (const frame of analyzer.frames.slice(0, 4))
      expect((await showsPerson(frame.jpeg)).person).toBeLessThan(12);
    await camera.stop();
  });

  it('marks a live HLS camera STALLED when its server goes away mid-stream, and LIVE again when it is back', async () => {
    const analyzer = new CountingAnalyzer();
    const reasons: Array<string | null> = [];
    const camera = reader(`${source.baseUrl}/live.m3u8`, analyzer, 4, reasons);
    await waitFor('LIVE', () => camera.snapshot().state === 'LIVE');
    await source.kill();
    await waitFor('STALLED', () => camera.snapshot().state === 'STALLED');
    // Down for a while: it keeps retrying and stays STALLED (it was live), never FAILED.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(camera.snapshot().state).toBe('STALLED');
    // ffmpeg stops reading a playlist it cannot fetch with exit status 0, as at its end: the reason
    // says the source went away and why (the reconnects then say the connection is refused), each
    // line once and without ffmpeg's memory addresses.
    const stalled = reasons.filter((reason): reason is string => reason !== null);
    expect(
      stalled.some((reason) => /^the source went away \(ffmpeg: .*Connection refused/.test(reason)),
      stalled.join('\n'),
    ).toBe(true);
    expect(stalled.at(-1)).toMatch(/Connection refused/);
    for (const reason of stalled) {
      expect(reason).not.toMatch(/0x[0-9a-f]{6}/);
      expect(reason.split(' | ').length).toBe(new Set(reason.split(' | ')).size);
    }
    const before = analyzer.frames.length;
    await source.start();
    await waitFor(
      'LIVE again with new frames',
      () => camera.snapshot().state === 'LIVE' && analyzer.frames.length > before + 2,
    );
    const { person } = await showsPerson(analyzer.frames.at(-1)!.jpeg);
    expect(person).toBeLessThan(12);
    await camera.stop();
  });

  it('marks a live rtsp:// camera STALLED when it loses power, and LIVE again when it is back; a wrong password is FAILED', async () => {
    const analyzer = new CountingAnalyzer();
    const camera = reader(rtsp.url('viewer:s3cret'), analyzer);
    const wrong = reader(rtsp.url('viewer:wrong-pass'), null);
    await waitFor('LIVE', () => camera.snapshot().state === 'LIVE');
    await waitFor('FAILED', () => wrong.snapshot().state === 'FAILED');
    expect(wrong.snapshot().reason).toMatch(/401 Unauthorized/);
    expect(wrong.snapshot().reason).not.toContain('wrong-pass');
    await rtsp.kill();
    await waitFor('STALLED', () => camera.snapshot().state === 'STALLED');
    expect(camera.snapshot().reason).toBeTruthy();
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(camera.snapshot().state).toBe('STALLED');
    const before = analyzer.frames.length;
    await rtsp.start();
    await waitFor(
      'LIVE again with new frames',
      () => camera.snapshot().state === 'LIVE' && analyzer.frames.length > before + 2,
    );
    expect((await showsPerson(analyzer.frames.at(-1)!.jpeg)).person).toBeLessThan(12);
    expect(wrong.snapshot().state).toBe('FAILED');
    await Promise.all([camera.stop(), wrong.stop()]);
  });

  it('marks a live MJPEG camera STALLED when it sends nothing more on an open connection, replaces its ffmpeg, and is LIVE when frames come again', async () => {
    const analyzer = new CountingAnalyzer();
    const reasons: Array<string | null> = [];
    const camera = reader(source.mjpegUrl, analyzer, 4, reasons);
    await waitFor('LIVE', () => camera.snapshot().state === 'LIVE');
    source.frozen = true;
    try {
      await waitFor('STALLED', () => camera.snapshot().state === 'STALLED');
      expect(camera.snapshot().reason).toMatch(/^no frame for \d+ s/);
      // Three stall timeouts without a frame: its ffmpeg is killed and another connects.
      const connections = source.requests.filter((url) => url === '/stream.mjpg').length;
      await waitFor(
        'a reconnect',
        () => source.requests.filter((url) => url === '/stream.mjpg').length > connections,
      );
      expect(
        reasons.some((reason) => reason !== null && /ffmpeg was restarted/.test(reason)),
        reasons.join('\n'),
      ).toBe(true);
      expect(camera.snapshot().state).toBe('STALLED');
    } finally {
      source.frozen = false;
    }
    const before = analyzer.frames.length;
    await waitFor(
      'LIVE again with new frames',
      () => camera.snapshot().state === 'LIVE' && analyzer.frames.length > before + 2,
    );
    await camera.stop();
  });

  it('is FAILED with the reason on a 404 playlist and on an HTML page, and keeps asking', async () => {
    // ffmpeg names the URL in its errors: a password in it must not reach the reason (API, logs).
    const missing = reader(`http://viewer:s3cret@127.0.0.1:${HTTP_PORT}/missing.m3u8`, null);
    const page = reader(`${source.baseUrl}/index.html`, null);
    await waitFor(
      'FAILED',
      () => missing.snapshot().state === 'FAILED' && page.snapshot().state === 'FAILED',
    );
    expect(missing.snapshot().reason).toMatch(/ffmpeg exited with \d+: .*404 Not Found/);
    expect(missing.snapshot().reason).toContain('http://viewer:***@127.0.0.1');
    expect(missing.snapshot().reason).not.toContain('s3cret');
    expect(page.snapshot().reason).toMatch(
      /ffmpeg exited with \d+: .*Invalid data found when processing input/,
    );
    await waitFor(
      'retries',
      () =>
        source.requests.filter((url) => url === '/missing.m3u8').length >= 3 &&
        source.requests.filter((url) => url === '/index.html').length >= 3,
    );
    expect([missing.snapshot().state, page.snapshot().state]).toEqual(['FAILED', 'FAILED']);
    expect(missing.snapshot().framesDecoded + page.snapshot().framesDecoded).toBe(0);
  });

  it('is FAILED with the reason on an rtsp:// camera that refuses, never answers or answers 404, and keeps retrying', async () => {
    const silent = await tcpServer(RTSP_SILENT_PORT, () => undefined);
    const notFound = await tcpServer(RTSP_404_PORT, (socket) => {
      let request = '';
      socket.on('data', (chunk: Buffer) => {
        request += chunk.toString('latin1');
        const cseq = /CSeq:\s*(\d+)/i.exec(request)?.[1];
        if (!request.includes('\r\n\r\n') || !cseq) return;
        socket.end(`RTSP/1.0 404 Stream Not Found\r\nCSeq: ${cseq}\r\n\r\n`);
      });
    });
    const refused = reader(`rtsp://127.0.0.1:${CLOSED_PORT}/stream1`, null);
    const hanging = reader(`rtsp://127.0.0.1:${RTSP_SILENT_PORT}/stream1`, null);
    const absent = reader(`rtsp://viewer:s3cret@127.0.0.1:${RTSP_404_PORT}/stream1`, null);
    await waitFor('FAILED', () => [refused, hanging, absent].every((r) => r.snapshot().state === 'FAILED'));
    expect(refused.snapshot().reason).toMatch(/ffmpeg exited with \d+: .*Connection refused/);
    expect(absent.snapshot().reason).toMatch(/ffmpeg exited with \d+: .*404 Stream Not Found/);
    expect(absent.snapshot().reason).not.toContain('s3cret');
    // testCameraConnection's probe says the same, masked too.
    const probe = await probeSource(
      'ffmpeg',
      parseCameraSource(`rtsp://viewer:s3cret@127.0.0.1:${RTSP_404_PORT}/stream1`),
      10_000,
    );
    expect(probe).toMatchObject({
      ok: false,
      error: expect.stringMatching(/ffmpeg exited with \d+ before a frame: .*404/),
    });
    expect(probe.error).not.toContain('s3cret');
    // The silent one is replaced after three stall timeouts without a frame, and tried again.
    await waitFor(
      'the silent camera retried',
      () => silent.connections() >= 2 && notFound.connections() >= 3,
    );
    expect(hanging.snapshot()).toMatchObject({
      state: 'FAILED',
      reason: expect.stringMatching(/no frame for \d+ s; ffmpeg was restarted/),
    });
    expect(refused.snapshot().state).toBe('FAILED');
  });
});
