// Test and benchmark sources made from LFW photos (never committed video): a short video in which
// each person is shown for a few seconds, made with ffmpeg, its HLS segments (H.264 in MPEG-TS, made
// with ffmpeg's hls muxer), and an HTTP server that serves it as a live MJPEG stream
// (multipart/x-mixed-replace, looping), as a plain file, as an HLS playlist (a finished one, and a
// live one whose window moves on with the clock, as a camera's or a streaming server's does) and as
// an HTML page where a video was expected, and that can be killed mid-stream and brought back on
// the same port.
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { JpegStreamSplitter } from '../jpeg-stream.js';

/** One person's photo and how long it is shown. */
export interface VideoScene {
  image: string;
  seconds: number;
}

/** Runs ffmpeg with `args`; rejects with its stderr when it fails. */
function ffmpeg(args: string[], ffmpegPath = 'ffmpeg'): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpegPath, ['-hide_banner', '-nostdin', '-loglevel', 'error', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(Buffer.concat(out)) : reject(new Error(`ffmpeg exited with ${code}: ${err.trim()}`))));
  });
}

/**
 * Writes a video (MJPEG in Matroska, `fps` frames per second, `width`x`height`) showing each scene's
 * photo for its seconds, one after the other.
 */
export async function makeSceneVideo(
  scenes: readonly VideoScene[],
  out: string,
  options: { fps?: number; width?: number; height?: number } = {},
): Promise<void> {
  const { fps = 10, width = 250, height = 250 } = options;
  const inputs = scenes.flatMap((scene) => ['-loop', '1', '-t', String(scene.seconds), '-i', scene.image]);
  const scaled = scenes.map((_, i) => `[${i}:v]scale=${width}:${height},setsar=1,fps=${fps}[v${i}]`).join(';');
  const concat = `${scenes.map((_, i) => `[v${i}]`).join('')}concat=n=${scenes.length}:v=1:a=0,format=yuvj420p[out]`;
  await ffmpeg(['-y', ...inputs, '-filter_complex', `${scaled};${concat}`, '-map', '[out]', '-c:v', 'mjpeg', '-q:v', '4', out]);
}

/** The video's frames as JPEG images, in order. */
export async function videoFrames(video: string): Promise<Buffer[]> {
  const bytes = await ffmpeg(['-i', video, '-f', 'image2pipe', '-vcodec', 'mjpeg', '-q:v', '4', 'pipe:1']);
  return new JpegStreamSplitter().push(bytes);
}

/** A self-signed certificate for 127.0.0.1 (made with the openssl command), as a camera ships with. */
export async function makeSelfSignedCertificate(dir: string): Promise<{ key: Buffer; cert: Buffer }> {
  const key = path.join(dir, 'camera-key.pem');
  const cert = path.join(dir, 'camera-cert.pem');
  await new Promise<void>((resolve, reject) => {
    const child = spawn(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-days', '1', '-keyout', key, '-out', cert],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`openssl exited with ${code}: ${err.trim()}`))));
  });
  return { key: await readFile(key), cert: await readFile(cert) };
}

/** HLS segments of a video: `dir`/seg0.ts, seg1.ts, ... of `seconds` each, and `dir`/vod.m3u8 listing them all. */
export interface HlsSegments {
  dir: string;
  seconds: number;
  count: number;
}

/**
 * Cuts `video`, played `loops` times in a row, into H.264 HLS segments of `seconds` (a keyframe at
 * the start of each, as a streaming server cuts them) in `dir`, with a finished playlist vod.m3u8.
 */
export async function makeHlsSegments(video: string, dir: string, options: { seconds?: number; loops?: number; fps?: number } = {}): Promise<HlsSegments> {
  const { seconds = 1, loops = 1, fps = 10 } = options;
  await ffmpeg([
    ...['-y', '-stream_loop', String(loops - 1), '-i', video, '-an'],
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-r', String(fps), '-g', String(fps * seconds), '-sc_threshold', '0'],
    ...['-f', 'hls', '-hls_time', String(seconds), '-hls_list_size', '0', '-hls_playlist_type', 'vod'],
    ...['-hls_segment_filename', path.join(dir, 'seg%d.ts'), path.join(dir, 'vod.m3u8')],
  ]);
  const count = (await readdir(dir)).filter((name) => /^seg\d+\.ts$/.test(name)).length;
  return { dir, seconds, count };
}

/** Paths without a file extension, as streaming servers and NVRs name them: what each serves. */
const ALIASES: Readonly<Record<string, string>> = { '/live?camera=lobby': '/live.m3u8', '/playlist?clip=7': '/vod.m3u8', '/download?id=7': '/video.mkv' };

/** Segments a live playlist lists at once (ffmpeg starts three from its end, as players do). */
const LIVE_WINDOW = 4;

const BOUNDARY = 'faceledgerframe';

/**
 * An HTTP server on 127.0.0.1:`port` serving `/stream.mjpg` (the frames, looping at `fps`, as
 * multipart/x-mixed-replace), `/video.mkv` (the file), with `hls`: `/vod.m3u8` (every segment, then
 * the end) and `/live.m3u8` (the last few segments up to where the clock has come since the server
 * was made, one more per segment duration, ended once the last is reached; also at
 * `/live?camera=lobby`, as `/playlist?clip=7` is the finished one and `/download?id=7` the file), and `/index.html` (a
 * login page, as a camera answers a wrong path); anything else is 404. kill() drops every
 * connection and stops listening, like a camera losing power; start() again brings it back on the
 * same port, its live playlist gone on while it was away. `frozen` holds the MJPEG stream instead.
 */
export class VideoHttpSource {
  private server: http.Server | null = null;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly options: {
      port: number;
      frames: readonly Buffer[];
      fps: number;
      videoFile?: string;
      hls?: HlsSegments;
      /** Serve over HTTPS with this key and certificate (makeSelfSignedCertificate). */
      tls?: { key: Buffer; cert: Buffer };
    },
  ) {}

  /** Every path asked for, in order. */
  readonly requests: string[] = [];

  /** When the live playlist's first segment went out. */
  private readonly liveSince = Date.now();

  get baseUrl(): string {
    return `${this.options.tls ? 'https' : 'http'}://127.0.0.1:${this.options.port}`;
  }

  get mjpegUrl(): string {
    return `${this.baseUrl}/stream.mjpg`;
  }

  get fileUrl(): string {
    return `${this.baseUrl}/video.mkv`;
  }

  async start(): Promise<void> {
    const listener = (req: http.IncomingMessage, res: http.ServerResponse): void => {
      this.requests.push(req.url ?? '');
      this.handle(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    };
    const { tls } = this.options;
    const server = tls ? https.createServer({ key: tls.key, cert: tls.cert }, listener) : http.createServer(listener);
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
  }

  /**
   * While frozen the MJPEG stream sends nothing, its connections open (a camera whose encoder hung):
   * new ones get the headers and no frame either.
   */
  frozen = false;

  /** Drops every connection at once and stops listening. */
  async kill(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    this.timers.clear();
    for (const socket of this.sockets) socket.destroy();
    const server = this.server;
    this.server = null;
    if (server) await new Promise((resolve) => server.close(resolve));
  }

  /** Segments the live playlist lists now: the first's index, the last's, and whether it has ended. */
  private liveWindow(hls: HlsSegments): { first: number; last: number; ended: boolean } {
    const reached = Math.min(hls.count, LIVE_WINDOW + Math.floor((Date.now() - this.liveSince) / (hls.seconds * 1000)));
    return { first: Math.max(0, reached - LIVE_WINDOW), last: reached - 1, ended: reached === hls.count };
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const hls = this.options.hls;
    const url = ALIASES[req.url ?? ''] ?? req.url ?? '';
    if (hls && url === '/live.m3u8') {
      const { first, last, ended } = this.liveWindow(hls);
      const lines = ['#EXTM3U', '#EXT-X-VERSION:3', `#EXT-X-TARGETDURATION:${hls.seconds}`, `#EXT-X-MEDIA-SEQUENCE:${first}`];
      for (let i = first; i <= last; i += 1) lines.push(`#EXTINF:${hls.seconds.toFixed(6)},`, `seg${i}.ts`);
      if (ended) lines.push('#EXT-X-ENDLIST');
      res.writeHead(200, { 'content-type': 'application/vnd.apple.mpegurl', 'cache-control': 'no-cache' }).end(`${lines.join('\n')}\n`);
      return;
    }
    const segment = /^\/(vod\.m3u8|seg\d+\.ts)$/.exec(url)?.[1];
    if (hls && segment) {
      const file = path.join(hls.dir, segment);
      const { size } = await stat(file);
      res.writeHead(200, { 'content-type': segment.endsWith('.ts') ? 'video/mp2t' : 'application/vnd.apple.mpegurl', 'content-length': size });
      createReadStream(file).pipe(res);
      return;
    }
    if (url === '/index.html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><html><head><title>IP Camera</title></head><body><form><input name="user"><input name="password" type="password"></form></body></html>\n');
      return;
    }
    if (url === '/video.mkv' && this.options.videoFile) {
      const { size } = await stat(this.options.videoFile);
      res.writeHead(200, { 'content-type': 'video/x-matroska', 'content-length': size });
      createReadStream(this.options.videoFile).pipe(res);
      return;
    }
    if (url !== '/stream.mjpg') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': `multipart/x-mixed-replace; boundary=${BOUNDARY}`, 'cache-control': 'no-cache' });
    let index = 0;
    const send = (): void => {
      if (this.frozen) return;
      const frame = this.options.frames[index % this.options.frames.length]!;
      index += 1;
      res.write(`--${BOUNDARY}\r\nContent-Type: image/jpeg\r\nContent-Length: ${frame.length}\r\n\r\n`);
      res.write(frame);
      res.write('\r\n');
    };
    send();
    const timer = setInterval(send, 1000 / this.options.fps);
    this.timers.add(timer);
    res.on('close', () => {
      clearInterval(timer);
      this.timers.delete(timer);
    });
  }
}
