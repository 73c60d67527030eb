// Test and benchmark sources made from LFW photos (never committed video): a short video in which
// each person is shown for a few seconds, made with ffmpeg, and an HTTP server that serves it as a
// live MJPEG stream (multipart/x-mixed-replace, looping) or as a plain file, and that can be killed
// mid-stream and brought back on the same port.
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import http from 'node:http';
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

const BOUNDARY = 'faceledgerframe';

/**
 * An HTTP server on 127.0.0.1:`port` serving `/stream.mjpg` (the frames, looping at `fps`, as
 * multipart/x-mixed-replace) and `/video.mkv` (the file). kill() drops every connection and stops
 * listening, like a camera losing power; start() again brings it back on the same port.
 */
export class VideoHttpSource {
  private server: http.Server | null = null;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly options: { port: number; frames: readonly Buffer[]; fps: number; videoFile?: string },
  ) {}

  get mjpegUrl(): string {
    return `http://127.0.0.1:${this.options.port}/stream.mjpg`;
  }

  get fileUrl(): string {
    return `http://127.0.0.1:${this.options.port}/video.mkv`;
  }

  async start(): Promise<void> {
    const server = http.createServer((req, res) => void this.handle(req, res));
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

  /** Drops every connection at once and stops listening. */
  async kill(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    this.timers.clear();
    for (const socket of this.sockets) socket.destroy();
    const server = this.server;
    this.server = null;
    if (server) await new Promise((resolve) => server.close(resolve));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (req.url === '/video.mkv' && this.options.videoFile) {
      const { size } = await stat(this.options.videoFile);
      res.writeHead(200, { 'content-type': 'video/x-matroska', 'content-length': size });
      createReadStream(this.options.videoFile).pipe(res);
      return;
    }
    if (req.url !== '/stream.mjpg') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': `multipart/x-mixed-replace; boundary=${BOUNDARY}`, 'cache-control': 'no-cache' });
    let index = 0;
    const send = (): void => {
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
