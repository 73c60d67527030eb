// `npm run bench:cameras`: how fast one camera reader decodes, and how many cameras at --fps (2) one
// machine sustains. Makes a video of LFW photos with ffmpeg (--seconds-each per person, --width x
// --height, --source-fps, h264 by default: what an IP camera sends), then
//  1. decode: one CameraReader on that file, unthrottled (no -re) and keeping every frame: the frames
//     per second one ffmpeg child decodes, re-encodes as JPEG and the reader splits;
//  2. sustain: the built server (dist/main.js, so main.ts's scheduler, supervisor and whatever
//     FrameAnalyzer main.ts wires) with K cameras on the file replayed in real time, K = --steps;
//     over --window seconds each camera's decoded and analysed (decoded - dropped) frames per second
//     are read from the API. A step is sustained when every camera decodes and analyses at least 90%
//     of --fps (it stops after two steps that are not). --analyze starts the recognition engine (otherwise the server runs without it).
// Prints a summary and writes bench/results/cameras-<width>x<height>-<codec>.json.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { pino } from 'pino';
import { CameraReader } from '../modules/cameras/camera-reader.js';
import { makeSceneVideo } from '../modules/cameras/testing/lfw-video.js';
import { signInBenchAdmin, startBuiltServer, SERVER_ROOT } from './built-server.js';

const REPO_ROOT = path.resolve(SERVER_ROOT, '../..');
const out = (line: string): void => void process.stdout.write(`${line}\n`);
const progress = (line: string): void => void process.stderr.write(`${line}\n`);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface Options {
  width: number;
  height: number;
  sourceFps: number;
  codec: 'h264' | 'mjpeg';
  secondsEach: number;
  people: number;
  fps: number;
  steps: string;
  window: number;
  analyze: boolean;
  port: number;
  images: string;
  out: string;
}

interface StepResult {
  cameras: number;
  /** Per camera over the window: decoded and analysed (decoded - dropped) frames per second. */
  decodedFps: { min: number; mean: number };
  analysedFps: { min: number; mean: number };
  /** Frames per second analysed by all cameras together. */
  analysedTotalFps: number;
  droppedShare: number;
  states: Record<string, number>;
  loadAverage1m: number;
  sustained: boolean;
}

async function makeVideo(o: Options, dir: string): Promise<string> {
  const people = (await readdir(o.images)).sort().slice(0, o.people);
  const file = path.join(dir, 'bench.mkv');
  const intermediate = path.join(dir, 'scenes.mkv');
  await makeSceneVideo(
    people.map((name) => ({ image: path.join(o.images, name, `${name}_0001.jpg`), seconds: o.secondsEach })),
    o.codec === 'mjpeg' ? file : intermediate,
    { fps: o.sourceFps, width: o.width, height: o.height },
  );
  if (o.codec === 'h264') {
    await new Promise<void>((resolve, reject) => {
      const child = spawn('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-i', intermediate, '-c:v', 'libx264', '-preset', 'veryfast', '-g', String(o.sourceFps * 2), '-pix_fmt', 'yuv420p', file]);
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg (libx264) exited with ${code}`))));
    });
  }
  return file;
}

/** One reader, unthrottled, keeping every source frame: frames per second decoded. */
async function measureDecode(video: string, o: Options): Promise<{ framesPerSecond: number; frames: number; seconds: number }> {
  const logger = pino({ level: 'silent' });
  const started = Date.now();
  const reader = new CameraReader({
    cameraId: 'bench',
    source: { kind: 'file', input: video, realtime: false },
    fps: o.sourceFps,
    ffmpegPath: 'ffmpeg',
    analyzer: null,
    logger,
  });
  reader.start();
  const total = o.people * o.secondsEach * o.sourceFps;
  while (reader.snapshot().framesDecoded < total && Date.now() - started < 120_000) {
    if (reader.snapshot().state === 'FAILED') throw new Error(`decode failed: ${reader.snapshot().reason}`);
    if (reader.snapshot().state === 'STALLED') break; // the file ended
    await sleep(20);
  }
  const seconds = (Date.now() - started) / 1000;
  const frames = reader.snapshot().framesDecoded;
  await reader.stop();
  return { framesPerSecond: frames / seconds, frames, seconds };
}

interface CameraRow {
  id: string;
  state: string;
  framesDecoded: number;
  framesDropped: number;
  lastFrameAt: string | null;
}

async function measureSustain(video: string, o: Options, steps: number[]): Promise<StepResult[]> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'faceledger-camera-bench-'));
  const port = o.port;
  const url = `http://127.0.0.1:${port}`;
  const server = await startBuiltServer({
    dataDir,
    port,
    databaseUrl: undefined,
    env: { FACELEDGER_RECOGNITION_ENABLED: String(o.analyze) },
    isReady: async (response) => {
      const health = (await response.json()) as { ok: boolean; recognition: { state: string } };
      return health.ok && (!o.analyze || health.recognition.state === 'READY');
    },
    waitSeconds: 300,
  });
  const headers = { 'content-type': 'application/json', ...(await signInBenchAdmin(url)) };
  const gql = async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
    const response = await fetch(`${url}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
    const body = (await response.json()) as { data?: T; errors?: Array<{ message: string }> };
    if (body.errors?.length || !body.data) throw new Error(`GraphQL: ${body.errors?.[0]?.message ?? response.status}`);
    return body.data;
  };
  const results: StepResult[] = [];
  try {
    const { createGallery } = await gql<{ createGallery: { id: string } }>(
      'mutation { createGallery(input: { name: "Bench watchlist", matchThreshold: 0.6 }) { id } }',
    );
    for (const k of steps) {
      const ids: string[] = [];
      for (let i = 0; i < k; i += 1) {
        const { createCamera } = await gql<{ createCamera: { id: string } }>(
          'mutation ($input: CreateCameraInput!) { createCamera(input: $input) { id } }',
          { input: { name: `bench-${k}-${i}`, sourceUrl: video, fps: o.fps, galleryIds: [createGallery.id] } },
        );
        ids.push(createCamera.id);
      }
      const read = async (): Promise<CameraRow[]> =>
        (await gql<{ cameras: CameraRow[] }>('{ cameras { id state framesDecoded framesDropped lastFrameAt } }')).cameras.filter((c) => ids.includes(c.id));
      // Warm up past the first state write, then count over the window (states are written every 5 s).
      await sleep(7000);
      const first = await read();
      await sleep(o.window * 1000);
      const last = await read();
      // The counters are written with lastFrameAt (every 5 s): rates over the time between those writes.
      const per = last.map((c) => {
        const before = first.find((f) => f.id === c.id)!;
        const seconds = (Date.parse(c.lastFrameAt ?? '') - Date.parse(before.lastFrameAt ?? '')) / 1000 || o.window;
        const decoded = (c.framesDecoded - before.framesDecoded) / seconds;
        const dropped = (c.framesDropped - before.framesDropped) / seconds;
        return { decoded, analysed: decoded - dropped, dropped };
      });
      const stat = (values: number[]): { min: number; mean: number } => ({
        min: Math.round(Math.min(...values) * 100) / 100,
        mean: Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 100) / 100,
      });
      const decodedFps = stat(per.map((p) => p.decoded));
      const analysedFps = stat(per.map((p) => p.analysed));
      const totalDecoded = per.reduce((a, p) => a + p.decoded, 0);
      const states: Record<string, number> = {};
      for (const c of last) states[c.state] = (states[c.state] ?? 0) + 1;
      const step: StepResult = {
        cameras: k,
        decodedFps,
        analysedFps,
        analysedTotalFps: Math.round(per.reduce((a, p) => a + p.analysed, 0) * 100) / 100,
        droppedShare: totalDecoded > 0 ? Math.round((per.reduce((a, p) => a + p.dropped, 0) / totalDecoded) * 1000) / 1000 : 0,
        states,
        loadAverage1m: Math.round((os.loadavg()[0] ?? 0) * 100) / 100,
        sustained: decodedFps.min >= 0.9 * o.fps && analysedFps.min >= 0.9 * o.fps,
      };
      results.push(step);
      progress(
        `${k} cameras: decoded min ${decodedFps.min} mean ${decodedFps.mean} fps, analysed min ${analysedFps.min} (all cameras ${step.analysedTotalFps}/s), dropped ${(step.droppedShare * 100).toFixed(1)}%, load ${step.loadAverage1m}, ${step.sustained ? 'sustained' : 'NOT sustained'}`,
      );
      for (const id of ids) await gql('mutation ($id: ID!) { deleteCamera(id: $id) }', { id });
      // Two steps in a row not sustained: more cameras will not be.
      if (!step.sustained && results.at(-2)?.sustained === false) break;
    }
  } finally {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
    await rm(dataDir, { recursive: true, force: true });
  }
  return results;
}

async function run(o: Options): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'faceledger-camera-video-'));
  try {
    progress(`making a ${o.people * o.secondsEach} s ${o.width}x${o.height} ${o.codec} video at ${o.sourceFps} fps from LFW ...`);
    const video = await makeVideo(o, dir);
    const decode = await measureDecode(video, o);
    progress(`decode: ${decode.framesPerSecond.toFixed(1)} frames/s (${decode.frames} frames in ${decode.seconds.toFixed(1)} s)`);
    const steps = o.steps.split(',').map((s) => Number.parseInt(s, 10));
    const sustain = await measureSustain(video, o, steps);
    const sustained = sustain.filter((s) => s.sustained).map((s) => s.cameras);
    const result = {
      bench: 'cameras',
      date: new Date().toISOString(),
      machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model ?? 'unknown', memoryGb: Math.round(os.totalmem() / 2 ** 30) },
      video: { width: o.width, height: o.height, sourceFps: o.sourceFps, codec: o.codec, seconds: o.people * o.secondsEach },
      analysis: o.analyze ? 'the recognition engine ran; frames went to the FrameAnalyzer main.ts wires' : 'engine off: frames decoded and counted only',
      fps: o.fps,
      decode,
      sustain,
      maxCamerasSustained: sustained.length > 0 ? Math.max(...sustained) : 0,
    };
    out(`decode (1 reader, unthrottled): ${decode.framesPerSecond.toFixed(1)} frames/s of ${o.width}x${o.height} ${o.codec}`);
    out(`cameras at ${o.fps} fps sustained (${result.analysis}): ${result.maxCamerasSustained} of the steps ${steps.join(', ')}`);
    await mkdir(o.out, { recursive: true });
    const file = path.join(o.out, `cameras-${o.width}x${o.height}-${o.codec}${o.analyze ? '-analyze' : ''}.json`);
    await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
    progress(`wrote ${file}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const integer = (v: string): number => Number.parseInt(v, 10);
const program = new Command('bench:cameras')
  .description('camera readers: decode rate of one, and how many cameras one machine sustains')
  .option('--width <px>', 'video width', integer, 1280)
  .option('--height <px>', 'video height', integer, 720)
  .option('--source-fps <n>', 'frame rate of the video', integer, 25)
  .option('--codec <codec>', 'h264 (an IP camera) or mjpeg', 'h264')
  .option('--people <n>', 'LFW people shown, one after another', integer, 8)
  .option('--seconds-each <s>', 'seconds each person is shown', integer, 5)
  .option('--fps <n>', 'frames per second each camera analyses', Number.parseFloat, 2)
  .option('--steps <list>', 'camera counts to try, in order (stops after two not sustained)', '1,2,4,8,12,16,24,32')
  .option('--window <s>', 'seconds measured per step', integer, 20)
  .option('--analyze', 'start the recognition engine so frames are analysed', false)
  .option('--port <n>', 'port of the server it starts', integer, 4250)
  .option('--images <dir>', 'LFW images directory', path.resolve(REPO_ROOT, '../shared/data/lfw/images'))
  .option('--out <dir>', 'where the JSON goes', path.join(REPO_ROOT, 'bench/results'))
  .action(async (o: Options) => {
    try {
      await run(o);
    } catch (error) {
      progress(`error: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    }
  });
await program.parseAsync(process.argv);
