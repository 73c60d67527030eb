import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { DEFAULT_MODEL_ID, defaultConfig, EMBEDDER_RUNTIMES, type EmbedderRuntime } from '../config.js';
import { createEngine } from '../engine.js';
import { getModelInfo } from '../models/registry.js';
import type { StageTimings } from '../types.js';
import { backendOption, defaultDataDir, err, listImages, median, out, positiveInt, round, runSafely, type EngineOptions } from './shared.js';

const STAGES: (keyof StageTimings)[] = ['decode', 'detect', 'align', 'quality', 'embed', 'total'];

/** One embedder runtime's numbers in a bench run. */
interface RuntimeBench {
  /** Images per second at the largest worker count. */
  imagesPerSecond: number;
  /** Images per second for 1..N workers. */
  imagesPerSecondByWorkers: Record<string, number>;
  /** Per-stage medians (ms) with 1 worker: the cost of each stage on its own. */
  stagesMs: Record<string, number>;
  /** Per-stage medians (ms) for 1..N workers: with N workers the stages share the cores. */
  stagesMsByWorkers: Record<string, Record<string, number>>;
  /**
   * CPU time (user + system, all threads of the process) per image for 1..N workers: unlike wall-clock
   * rates it barely moves with other load on the machine, so runs on a busy machine stay comparable.
   */
  cpuMsPerImageByWorkers: Record<string, number>;
  /** cpus x 1000 / cpuMsPerImage at N workers: the rate the CPUs allow when nothing else runs (an upper bound). */
  cpuBoundImagesPerSecond: number;
}

function runtimesArg(value: string): EmbedderRuntime[] {
  const list = value.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = list.filter((r) => !(EMBEDDER_RUNTIMES as readonly string[]).includes(r));
  if (list.length === 0 || bad.length > 0) throw new InvalidArgumentError(`must list runtimes of ${EMBEDDER_RUNTIMES.join(', ')} (comma-separated)`);
  return [...new Set(list)] as EmbedderRuntime[];
}

/**
 * `faceledger bench`: images per second and per-stage times for 1..N workers, for each embedder runtime
 * (TF.js and ONNX Runtime) on the same images in one run. Runtimes alternate at each worker count, so a
 * change in the machine's load hits both alike.
 */
export function registerBenchCommand(program: Command, modelHelp: string): void {
  program
    .command('bench')
    .description('per-stage timings and images per second for 1..N workers, per embedder runtime')
    .option('--images <dir>', 'folder of photos (searched recursively)', path.join(defaultDataDir(), 'lfw', 'images'))
    .option('--count <n>', 'images per run', positiveInt, 200)
    .option('--workers <n>', 'largest worker count to measure', positiveInt, os.availableParallelism())
    .option('--model <id>', modelHelp)
    .option('--runtimes <list>', `embedder runtimes to compare (${EMBEDDER_RUNTIMES.join(',')})`, runtimesArg, [...EMBEDDER_RUNTIMES])
    .option('--onnx-threads <n>', 'ONNX Runtime intra-op threads per worker', positiveInt, defaultConfig().runtime.onnx.intraOpThreads)
    .option('--no-mirror', 'do not average with the mirrored face')
    .option('--out <dir>', 'also write bench.json here')
    .option('--json', 'print one JSON object')
    .addOption(backendOption())
    .addOption(new Option('--repeat <n>', 'measure each runtime and worker count this many times, keep the best').argParser(positiveInt).default(1))
    .action(async (o: EngineOptions & { images: string; count: number; workers: number; runtimes: EmbedderRuntime[]; onnxThreads: number; repeat: number; out?: string; json?: boolean }) =>
      runSafely(async () => {
        const files = await listImages(o.images, o.count);
        if (files.length === 0) throw new Error(`No images found under ${o.images}; pass --images DIR.`);
        const images = await Promise.all(files.map((f) => readFile(f)));
        const model = getModelInfo(o.model ?? DEFAULT_MODEL_ID).id;
        const maxWorkers = Math.max(1, o.workers);
        const runtimes: Record<string, RuntimeBench> = Object.fromEntries(o.runtimes.map((r) => [r, { imagesPerSecond: 0, imagesPerSecondByWorkers: {}, stagesMs: {}, stagesMsByWorkers: {}, cpuMsPerImageByWorkers: {}, cpuBoundImagesPerSecond: 0 }]));
        let backend: string = o.backend;
        for (let workers = 1; workers <= maxWorkers; workers++) {
          for (let attempt = 0; attempt < Math.max(1, o.repeat); attempt++) {
            for (const runtime of o.runtimes) {
              const engine = await createEngine({
                runtime: { backend: o.backend, workers, embedder: runtime, onnx: { intraOpThreads: o.onnxThreads } },
                embedding: { model, mirror: o.mirror, ...(o.chipLandmarks ? { chipLandmarks: o.chipLandmarks } : {}) },
              });
              try {
                backend = engine.info().backend;
                await engine.analyzeMany(images.slice(0, workers * 2));
                const started = performance.now();
                const cpuStarted = process.cpuUsage();
                const results = await engine.analyzeMany(images, { polygon: true });
                const cpu = process.cpuUsage(cpuStarted);
                const secs = (performance.now() - started) / 1000;
                const cpuMs = round((cpu.user + cpu.system) / 1000 / images.length, 1);
                const rate = round(images.length / secs, 2);
                err(`${runtime}, ${workers} worker(s): ${rate.toFixed(2)} images/s over ${images.length} images, ${cpuMs} CPU ms per image (load ${os.loadavg()[0]?.toFixed(1)})`);
                const entry = runtimes[runtime] as RuntimeBench;
                const key = String(workers);
                entry.cpuMsPerImageByWorkers[key] = Math.min(entry.cpuMsPerImageByWorkers[key] ?? Infinity, cpuMs);
                if (rate > (entry.imagesPerSecondByWorkers[key] ?? 0)) {
                  entry.imagesPerSecondByWorkers[key] = rate;
                  const timings = results.flatMap((r) => (r.ok ? [r.result.timings] : []));
                  entry.stagesMsByWorkers[key] = Object.fromEntries(STAGES.map((k) => [k, round(median(timings.map((t) => t[k])), 2)]));
                }
              } finally {
                await engine.close();
              }
            }
          }
        }
        for (const entry of Object.values(runtimes)) {
          entry.imagesPerSecond = entry.imagesPerSecondByWorkers[String(maxWorkers)] ?? 0;
          entry.stagesMs = entry.stagesMsByWorkers['1'] ?? {};
          const cpuMs = entry.cpuMsPerImageByWorkers[String(maxWorkers)];
          entry.cpuBoundImagesPerSecond = cpuMs ? round((Math.min(maxWorkers, os.availableParallelism()) * 1000) / cpuMs, 2) : 0;
        }
        const configured = defaultConfig().runtime.embedder;
        const fastest = Object.entries(runtimes).sort((a, b) => b[1].imagesPerSecond - a[1].imagesPerSecond)[0]?.[0];
        const shown = runtimes[configured] ?? Object.values(runtimes)[0];
        const report = {
          imagesPerSecond: shown?.imagesPerSecond ?? 0,
          workers: maxWorkers,
          stagesMs: shown?.stagesMs ?? {},
          model,
          backend,
          defaultRuntime: configured,
          fastestRuntime: fastest,
          runtimes,
          onnxThreads: o.onnxThreads,
          imagesPerSecondByWorkers: shown?.imagesPerSecondByWorkers ?? {},
          images: images.length,
          mirror: o.mirror,
          cpus: os.cpus().length,
          loadAverage: os.loadavg().map((l) => round(l, 2)),
        };
        if (o.out) {
          await mkdir(o.out, { recursive: true });
          await writeFile(path.join(o.out, 'bench.json'), JSON.stringify(report, null, 2) + '\n');
        }
        if (o.json) out(JSON.stringify(report));
        else {
          out(`model ${model}, backend ${backend}, ${images.length} images, default embedder runtime ${configured}, fastest ${fastest}`);
          for (const [runtime, entry] of Object.entries(runtimes)) {
            for (const [w, ips] of Object.entries(entry.imagesPerSecondByWorkers)) {
              const stages = entry.stagesMsByWorkers[w] ?? {};
              out(`${runtime}, ${w} worker(s): ${ips} images/s, ${entry.cpuMsPerImageByWorkers[w]} CPU ms per image; per-stage median ms ${Object.entries(stages).map(([k, v]) => `${k} ${v}`).join(', ')}`);
            }
            out(`${runtime}: at most ${entry.cpuBoundImagesPerSecond} images/s with ${maxWorkers} worker(s) on an otherwise idle machine (CPU time)`);
          }
        }
      }),
    );
}
