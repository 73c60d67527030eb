// How the server runs ffmpeg (Debian's package; FACELEDGER_FFMPEG_PATH names another binary): the
// arguments that decode a camera at its fps into JPEGs on stdout, whether the binary is there, and
// a bounded one-frame probe of a source for testCameraConnection.
import { spawn } from 'node:child_process';
import { maskUrlCredentials, type CameraSource } from './camera-source.js';
import { JpegStreamSplitter, jpegSize } from './jpeg-stream.js';

/** Seconds ffmpeg waits on a network read before it gives up (it then exits with an error). */
const NETWORK_TIMEOUT_SECONDS = 10;

/** Where ffmpeg is and what to say when it is not. */
export function ffmpegMissingReason(ffmpegPath: string, detail: string): string {
  return `ffmpeg could not be run from ${ffmpegPath} (${detail}); install Debian's ffmpeg package (apt-get install ffmpeg) or set FACELEDGER_FFMPEG_PATH to an ffmpeg binary.`;
}

/** Arguments that read `source` and write `fps` JPEG frames per second to stdout. */
export function ffmpegReaderArgs(
  source: CameraSource,
  fps: number,
  options: { frames?: number; logLevel?: 'error' | 'info' } = {},
): string[] {
  const input: string[] = [];
  const timeoutUs = String(NETWORK_TIMEOUT_SECONDS * 1_000_000);
  if (source.kind === 'rtsp') input.push('-rtsp_transport', 'tcp', '-timeout', timeoutUs);
  if (source.kind === 'http') input.push('-rw_timeout', timeoutUs);
  // A live MJPEG stream carries no timestamps (ffmpeg would assume 25 fps and the fps filter would
  // keep the wrong frames): stamp each frame with its arrival time instead.
  if (source.kind === 'http' && !source.realtime) input.push('-use_wallclock_as_timestamps', '1');
  if (source.realtime) input.push('-re');
  return [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    options.logLevel ?? 'error',
    ...input,
    '-i',
    source.input,
    '-an',
    '-sn',
    '-dn',
    '-vf',
    `fps=${fps}`,
    ...(options.frames === undefined ? [] : ['-frames:v', String(options.frames)]),
    '-f',
    'image2pipe',
    '-vcodec',
    'mjpeg',
    '-q:v',
    '3',
    'pipe:1',
  ];
}

/**
 * One line of ffmpeg's as it may be shown: a password in a URL masked (ffmpeg names the input in its
 * errors: "rtsp://viewer:secret@host/...: Server returned 404") before the line is cut to length,
 * and the context's memory address dropped ("[tcp @ 0x55d0c1a2] Connection ... refused" becomes
 * "[tcp] Connection ... refused"), so one failure reads the same at every retry.
 */
function tidyLine(line: string): string {
  return maskUrlCredentials(line.trim())
    .replace(/^\[([\w-]+) @ 0x[0-9a-f]+\]/i, '[$1]')
    .slice(0, 300);
}

/** The last few meaningful lines ffmpeg wrote to stderr (a line repeated once), as one reason. */
export class StderrTail {
  private lines: string[] = [];
  private partial = '';

  push(chunk: Buffer): void {
    const text = this.partial + chunk.toString('utf8');
    const parts = text.split(/\r?\n/);
    this.partial = parts.pop() ?? '';
    for (const line of parts) {
      const trimmed = tidyLine(line);
      if (trimmed && trimmed !== this.lines.at(-1)) this.lines.push(trimmed);
    }
    if (this.lines.length > 5) this.lines = this.lines.slice(-5);
  }

  /** The last lines joined, or null when ffmpeg said nothing. */
  text(): string | null {
    const all = [...this.lines, tidyLine(this.partial)].filter(Boolean);
    return all.length > 0 ? all.slice(-3).join(' | ').slice(0, 500) : null;
  }
}

/** Whether ffmpeg runs, and its version line. */
export interface FfmpegCheck {
  available: boolean;
  version: string | null;
  error: string | null;
}

/** Runs `ffmpeg -version` (5 s at most). */
export function checkFfmpeg(ffmpegPath: string): Promise<FfmpegCheck> {
  return new Promise((resolve) => {
    let out = '';
    let settled = false;
    const finish = (result: FfmpegCheck): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const child = spawn(ffmpegPath, ['-hide_banner', '-version'], { stdio: ['ignore', 'pipe', 'ignore'] });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish({ available: false, version: null, error: ffmpegMissingReason(ffmpegPath, 'no answer to -version within 5 s') });
    }, 5000);
    child.stdout.on('data', (chunk: Buffer) => {
      if (out.length < 4096) out += chunk.toString('utf8');
    });
    child.on('error', (error: NodeJS.ErrnoException) =>
      finish({ available: false, version: null, error: ffmpegMissingReason(ffmpegPath, error.code === 'ENOENT' ? 'no such file' : error.message) }),
    );
    child.on('close', (code) => {
      const version = out.split('\n')[0]?.trim() ?? '';
      if (code === 0 && version.startsWith('ffmpeg version')) finish({ available: true, version, error: null });
      else finish({ available: false, version: null, error: ffmpegMissingReason(ffmpegPath, `-version exited with ${code}`) });
    });
  });
}

/** What a one-frame probe found. */
export interface ProbeResult {
  ok: boolean;
  width: number | null;
  height: number | null;
  /** The source's video codec as ffmpeg names it (h264, mjpeg, ...), when it said. */
  codec: string | null;
  elapsedMs: number;
  error: string | null;
}

/**
 * Opens `source`, decodes one frame and stops, within `timeoutMs`. Never throws: a missing ffmpeg,
 * a refused connection, a timeout or a source without video are `ok: false` with the reason.
 */
export function probeSource(ffmpegPath: string, source: CameraSource, timeoutMs: number): Promise<ProbeResult> {
  const started = Date.now();
  // At info level ffmpeg names the input's codec; no -re, the first frame is wanted at once.
  const args = ffmpegReaderArgs({ ...source, realtime: false }, 1, { frames: 1, logLevel: 'info' });
  return new Promise((resolve) => {
    const splitter = new JpegStreamSplitter();
    const stderr = new StderrTail();
    let info = '';
    let frame: Buffer | null = null;
    let settled = false;
    const finish = (result: Omit<ProbeResult, 'elapsedMs' | 'codec'>): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      const codec = /Stream #\d+:\d+[^:]*: Video: (\w+)/.exec(info)?.[1] ?? null;
      resolve({ ...result, codec, elapsedMs: Date.now() - started });
    };
    const child = spawn(ffmpegPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(
      () => finish({ ok: false, width: null, height: null, error: `no frame within ${Math.round(timeoutMs / 1000)} s${stderr.text() ? ` (ffmpeg: ${stderr.text()})` : ''}; check the URL, the network and that the source sends video.` }),
      timeoutMs,
    );
    child.stdout.on('data', (chunk: Buffer) => {
      frame ??= splitter.push(chunk)[0] ?? null;
      if (frame) {
        const size = jpegSize(frame);
        finish({ ok: true, width: size?.width ?? null, height: size?.height ?? null, error: null });
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (info.length < 16_384) info += chunk.toString('utf8');
      stderr.push(chunk);
    });
    child.on('error', (error: NodeJS.ErrnoException) =>
      finish({ ok: false, width: null, height: null, error: ffmpegMissingReason(ffmpegPath, error.code === 'ENOENT' ? 'no such file' : error.message) }),
    );
    child.on('close', (code) => {
      const lastError = info
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => /error|refused|not found|no such|invalid|unauthorized|forbidden|timed out|failed/i.test(line))
        .at(-1);
      finish({ ok: false, width: null, height: null, error: `ffmpeg exited with ${code} before a frame: ${lastError ? maskUrlCredentials(lastError) : (stderr.text() ?? 'no message')}` });
    });
  });
}
