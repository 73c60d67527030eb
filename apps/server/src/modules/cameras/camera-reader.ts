// One camera's supervised reader: a child ffmpeg decoding the source at the camera's fps into JPEGs
// on stdout, each handed to the FrameAnalyzer unless the previous one is still being analysed (then
// it is dropped and counted: nothing waits on the analyzer). It reports its state:
//   CONNECTING  started, no frame yet;
//   LIVE        frames flow;
//   STALLED     it was live, and no frame came within the stall timeout or the source went away;
//               it keeps reconnecting (reason: what ffmpeg said last);
//   FAILED      ffmpeg cannot run, or exited with an error before the camera was ever live (reason);
//               it keeps retrying too, so a camera that comes up later goes LIVE by itself.
// Reconnects back off exponentially (reset once frames flow); a reader that gets no frame for three
// stall timeouts kills its ffmpeg and starts another. stop() ends ffmpeg (SIGTERM, then SIGKILL).
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import type { CameraState } from '@faceledger/db';
import type { Logger } from 'pino';
import type { CameraFrame, FrameAnalyzer } from './camera-frame.js';
import { detectHttpTiming, type CameraSource } from './camera-source.js';
import { ffmpegMissingReason, ffmpegReaderArgs, StderrTail } from './ffmpeg.js';
import { JpegStreamSplitter, jpegSize } from './jpeg-stream.js';

/** Timings of a reader; the defaults suit real cameras, tests shorten them. */
export interface ReaderTimings {
  /** No frame for this long marks a live camera STALLED (at least three frame intervals). */
  stallTimeoutMs: number;
  /** First wait before reconnecting; doubles after each run without frames. */
  backoffInitialMs: number;
  backoffMaxMs: number;
  /** Window over which measuredFps is counted. */
  fpsWindowMs: number;
}

export const DEFAULT_READER_TIMINGS: Readonly<ReaderTimings> = Object.freeze({
  stallTimeoutMs: 10_000,
  backoffInitialMs: 500,
  backoffMaxMs: 30_000,
  fpsWindowMs: 5_000,
});

/** What the reader reports; the supervisor writes it to the camera's row. */
export interface ReaderSnapshot {
  state: CameraState;
  reason: string | null;
  stateChangedAt: Date;
  measuredFps: number;
  framesDecoded: number;
  framesDropped: number;
  lastFrameAt: Date | null;
}

export interface CameraReaderOptions {
  cameraId: string;
  source: CameraSource;
  fps: number;
  ffmpegPath: string;
  /** Null: frames are decoded and counted only. */
  analyzer: FrameAnalyzer | null;
  logger: Logger;
  timings?: Partial<ReaderTimings>;
  /** Told at each change of state (the supervisor writes it at once). */
  onStateChange?: () => void;
}

type FfmpegChild = ChildProcessByStdio<null, Readable, Readable>;

export class CameraReader {
  private readonly timings: ReaderTimings;
  private state: CameraState = 'CONNECTING';
  private reason: string | null = null;
  private stateChangedAt = new Date();
  private framesDecoded = 0;
  private framesDropped = 0;
  private lastFrameAt: Date | null = null;
  /** Arrival times (ms) of the frames inside the fps window. */
  private recentFrames: number[] = [];
  private everLive = false;
  private analyzing = false;
  private sequence = 0;
  private child: FfmpegChild | null = null;
  private stopped = false;
  private backoffMs: number;
  private retryTimer: NodeJS.Timeout | null = null;
  private watchdog: NodeJS.Timeout | null = null;
  private exited: Promise<void> = Promise.resolve();
  /** When the current ffmpeg was started, and whether the watchdog killed it for sending nothing. */
  private spawnedAt = 0;
  private killedSilent = false;
  /**
   * What the server of an http source without a file or playlist extension serves ('timed': read it
   * with -re like a file; 'live': an MJPEG stream); null until it has answered, asked before each start.
   */
  private httpTiming: 'timed' | 'live' | null = null;

  constructor(private readonly options: CameraReaderOptions) {
    this.timings = { ...DEFAULT_READER_TIMINGS, ...options.timings };
    this.timings.stallTimeoutMs = Math.max(this.timings.stallTimeoutMs, 3000 / options.fps);
    this.backoffMs = this.timings.backoffInitialMs;
  }

  get cameraId(): string {
    return this.options.cameraId;
  }

  start(): void {
    this.spawnFfmpeg();
    this.watchdog = setInterval(() => this.checkStall(), Math.min(1000, this.timings.stallTimeoutMs / 4));
    this.watchdog.unref();
  }

  snapshot(now = Date.now()): ReaderSnapshot {
    this.recentFrames = this.recentFrames.filter((t) => t > now - this.timings.fpsWindowMs);
    return {
      state: this.state,
      reason: this.reason,
      stateChangedAt: this.stateChangedAt,
      measuredFps: Math.round((this.recentFrames.length / (this.timings.fpsWindowMs / 1000)) * 100) / 100,
      framesDecoded: this.framesDecoded,
      framesDropped: this.framesDropped,
      lastFrameAt: this.lastFrameAt,
    };
  }

  /** Ends ffmpeg (SIGTERM, SIGKILL after 2 s) and resolves once it has exited. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.watchdog) clearInterval(this.watchdog);
    const child = this.child;
    if (child) {
      child.kill('SIGTERM');
      const kill = setTimeout(() => child.kill('SIGKILL'), 2000);
      await this.exited;
      clearTimeout(kill);
    }
    this.setState('STOPPED', null);
  }

  private setState(state: CameraState, reason: string | null): void {
    if (this.state === state && this.reason === reason) return;
    if (this.state !== state) {
      this.stateChangedAt = new Date();
      this.options.logger.info({ cameraId: this.cameraId, state, reason }, 'camera state');
    }
    this.state = state;
    this.reason = reason;
    this.options.onStateChange?.();
  }

  private spawnFfmpeg(): void {
    if (this.stopped) return;
    const { source } = this.options;
    if (source.kind === 'http' && !source.realtime && this.httpTiming === null) {
      void detectHttpTiming(source.input).then((timing) => {
        this.httpTiming = timing;
        this.startFfmpeg();
      });
      return;
    }
    this.startFfmpeg();
  }

  private startFfmpeg(): void {
    if (this.stopped) return;
    const { ffmpegPath, fps } = this.options;
    const source = this.httpTiming === 'timed' ? { ...this.options.source, realtime: true } : this.options.source;
    const splitter = new JpegStreamSplitter();
    const stderr = new StderrTail();
    let framesThisRun = 0;
    let spawnError: string | null = null;
    this.spawnedAt = Date.now();
    this.killedSilent = false;
    const child: FfmpegChild = spawn(ffmpegPath, ffmpegReaderArgs(source, fps), { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.exited = new Promise((resolve) => child.once('close', () => resolve()));
    child.stdout.on('data', (chunk: Buffer) => {
      for (const jpeg of splitter.push(chunk)) {
        framesThisRun += 1;
        this.onFrame(jpeg);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (error: NodeJS.ErrnoException) => {
      spawnError = ffmpegMissingReason(ffmpegPath, error.code === 'ENOENT' ? 'no such file' : error.message);
    });
    child.once('close', (code, signal) => {
      if (this.child === child) this.child = null;
      if (this.stopped) return;
      const said = stderr.text();
      let reason: string;
      if (spawnError) reason = spawnError;
      else if (this.killedSilent) reason = `no frame for ${Math.round((3 * this.timings.stallTimeoutMs) / 1000)} s; ffmpeg was restarted${said ? ` (ffmpeg: ${said})` : ''}`;
      // ffmpeg ends a network stream it can no longer fetch (an HLS server gone) as if it had ended.
      else if (code === 0) reason = said ? `the source went away (ffmpeg: ${said})` : 'the source ended';
      else reason = `ffmpeg exited with ${code ?? signal}${said ? `: ${said}` : ''}`;
      if (framesThisRun > 0) this.backoffMs = this.timings.backoffInitialMs;
      if (spawnError || !this.everLive) this.setState('FAILED', reason);
      else this.setState('STALLED', reason);
      this.scheduleRestart();
    });
  }

  private scheduleRestart(): void {
    if (this.stopped) return;
    const wait = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, this.timings.backoffMaxMs);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.spawnFfmpeg();
    }, wait);
    this.retryTimer.unref();
  }

  private onFrame(jpeg: Buffer): void {
    // What ffmpeg still writes after stop() goes nowhere.
    if (this.stopped) return;
    const now = new Date();
    this.framesDecoded += 1;
    this.lastFrameAt = now;
    this.recentFrames.push(now.getTime());
    this.everLive = true;
    this.setState('LIVE', null);
    const analyzer = this.options.analyzer;
    if (!analyzer) return;
    if (this.analyzing) {
      this.framesDropped += 1;
      return;
    }
    const size = jpegSize(jpeg);
    const frame: CameraFrame = {
      cameraId: this.cameraId,
      sequence: this.sequence++,
      capturedAt: now,
      jpeg,
      width: size?.width ?? 0,
      height: size?.height ?? 0,
    };
    this.analyzing = true;
    // A microtask later, so a synchronous throw or a slow analyzer never holds up the stream.
    void Promise.resolve()
      .then(() => analyzer.analyze(frame))
      .catch((error: unknown) => this.options.logger.warn({ err: error, cameraId: this.cameraId }, 'frame analysis failed'))
      .finally(() => {
        this.analyzing = false;
      });
  }

  /** Marks a live camera STALLED when frames stop, and replaces an ffmpeg that hangs. */
  private checkStall(): void {
    if (this.stopped || !this.child) return;
    const now = Date.now();
    const silent = now - Math.max(this.lastFrameAt?.getTime() ?? 0, this.spawnedAt);
    if (this.state === 'LIVE' && silent > this.timings.stallTimeoutMs) {
      this.setState('STALLED', `no frame for ${Math.round(silent / 1000)} s`);
    }
    if (silent > 3 * this.timings.stallTimeoutMs) {
      this.options.logger.warn({ cameraId: this.cameraId }, 'ffmpeg sent no frame for three stall timeouts; restarting it');
      this.killedSilent = true;
      this.child.kill('SIGKILL');
    }
  }

}
