import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { createEngine, type Engine } from '../engine.js';
import { isRecognitionError } from '../errors.js';
import { lfwImagePath, parseLfwPairs } from '../lfw.js';
import { evaluateVerification, rocCsv, rocSvg, type ScoredPair, type VerificationReport } from '../metrics.js';
import { cosineSimilarity } from '../models/embedder.js';
import { getModelInfo, MODEL_REGISTRY } from '../models/registry.js';
import type { BackendName } from '../runtime/backend.js';
import type { AnalysisResult, Face, StageTimings } from '../types.js';
import { DEFAULT_MODEL_ID } from '../config.js';

const out = (text: string): void => void process.stdout.write(text + '\n');
const err = (text: string): void => void process.stderr.write(text + '\n');

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a non-negative integer');
  return n;
}

/** Options shared by every command that creates an engine. */
interface EngineOptions {
  backend: BackendName;
  workers?: number;
  model?: string;
  mirror: boolean;
  chipLandmarks?: 'mesh-51' | 'five-point';
}

function backendOption(): Option {
  return new Option('--backend <name>', 'TensorFlow.js backend').choices(['wasm', 'tensorflow', 'cpu']).default('wasm');
}

async function openEngine(o: EngineOptions, workers: number, spoof = true): Promise<Engine> {
  return createEngine({
    runtime: { backend: o.backend, workers },
    embedding: { model: o.model ?? DEFAULT_MODEL_ID, mirror: o.mirror, ...(o.chipLandmarks ? { chipLandmarks: o.chipLandmarks } : {}) },
    spoof: { enabled: spoof },
  });
}

/** Picks the face a single-subject photo is about: boxes holding the image centre first, then the largest. */
export function pickSubjectFace(result: AnalysisResult): Face | undefined {
  const cx = result.width / 2;
  const cy = result.height / 2;
  const holds = (f: Face): boolean => f.box.x <= cx && cx <= f.box.x + f.box.width && f.box.y <= cy && cy <= f.box.y + f.box.height;
  const area = (f: Face): number => f.box.width * f.box.height;
  const sorted = [...result.faces].sort((a, b) => Number(holds(b)) - Number(holds(a)) || area(b) - area(a));
  return sorted[0];
}

function round(v: number, digits = 4): number {
  const k = 10 ** digits;
  return Math.round(v * k) / k;
}

function faceSummary(face: Face, index: number): Record<string, unknown> {
  return {
    index,
    box: { x: round(face.box.x, 1), y: round(face.box.y, 1), width: round(face.box.width, 1), height: round(face.box.height, 1) },
    score: round(face.score),
    landmarks: face.landmarks,
    pose: { yaw: round(face.pose.yaw, 1), pitch: round(face.pose.pitch, 1), roll: round(face.pose.roll, 1) },
    quality: { ...face.quality, score: round(face.quality.score) },
    spoof: face.spoof,
    ...(face.attributes ? { attributes: face.attributes } : {}),
  };
}

async function readImage(file: string): Promise<Uint8Array> {
  try {
    return await readFile(file);
  } catch {
    throw new Error(`Cannot read ${file}; check the path.`);
  }
}

async function runSafely(action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (error) {
    if (isRecognitionError(error)) err(`error ${error.code}: ${error.message}`);
    else err(`error: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}

function defaultDataDir(): string {
  return process.env.FACELEDGER_TEST_DATA ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..', '../shared/data');
}

async function listImages(dir: string, limit: number): Promise<string[]> {
  const found: string[] = [];
  const walk = async (d: string): Promise<void> => {
    const entries = (await readdir(d, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      if (found.length >= limit) return;
      const p = path.join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (/\.(jpe?g|png|webp)$/i.test(e.name)) found.push(p);
    }
  };
  await walk(dir);
  return found;
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

type EmbeddingCache = Record<string, string | null>;

function encodeVector(v: Float32Array): string {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
}

function decodeVector(s: string): Float32Array {
  const b = Buffer.from(s, 'base64');
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

/** Embeds every image once per model with bounded concurrency, reusing and extending the on-disk cache. */
async function embedImages(
  files: string[],
  models: string[],
  o: EngineOptions,
  workers: number,
  cacheDir: string | undefined,
): Promise<{ vectors: Map<string, Map<string, Float32Array | null>>; imagesPerSecond: number; computed: number }> {
  const caches = new Map<string, EmbeddingCache>();
  const variant = (model: string): string => `${o.mirror ? '' : '-nomirror'}${getModelInfo(model).alignment === 'dlib-chip' && o.chipLandmarks === 'five-point' ? '-five' : ''}`;
  const cacheFile = (model: string): string => path.join(cacheDir ?? '.', `embeddings-${model}${variant(model)}.json`);
  for (const model of models) {
    let cache: EmbeddingCache = {};
    if (cacheDir && existsSync(cacheFile(model))) cache = JSON.parse(await readFile(cacheFile(model), 'utf8')) as EmbeddingCache;
    caches.set(model, cache);
  }
  const saveCaches = async (): Promise<void> => {
    if (!cacheDir) return;
    await mkdir(cacheDir, { recursive: true });
    for (const model of models) await writeFile(cacheFile(model), JSON.stringify(caches.get(model)));
  };
  const todo = files.filter((f) => models.some((m) => !caches.get(m)?.[f]));
  let imagesPerSecond = 0;
  if (todo.length > 0) {
    err(`embedding ${todo.length} images with ${models.join(', ')} on ${workers} worker(s)`);
    const engine = await openEngine({ ...o, model: models[0] }, workers, false);
    const started = performance.now();
    let done = 0;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < todo.length) {
        const file = todo[next++] as string;
        const missing = models.filter((m) => !caches.get(m)?.[file]);
        const primary = missing[0] as string;
        let face: Face | undefined;
        try {
          const result = await engine.analyze(await readImage(file), { polygon: false, model: primary, extraModels: missing.slice(1) });
          face = pickSubjectFace(result);
        } catch (error) {
          err(`  ${file}: ${isRecognitionError(error) ? error.code : String(error)}`);
        }
        for (const model of missing) {
          const v = model === primary ? face?.embedding : face?.extraEmbeddings?.[model];
          (caches.get(model) as EmbeddingCache)[file] = v ? encodeVector(v) : null;
        }
        done++;
        if (cacheDir && done % 500 === 0) await saveCaches();
        if (done % 100 === 0 || done === todo.length) {
          const secs = (performance.now() - started) / 1000;
          err(`  ${done}/${todo.length} images, ${(done / secs).toFixed(1)} img/s`);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, workers) * 2 }, worker));
    imagesPerSecond = todo.length / ((performance.now() - started) / 1000);
    await engine.close();
    if (cacheDir) await saveCaches();
  }
  const vectors = new Map<string, Map<string, Float32Array | null>>();
  for (const model of models) {
    const cache = caches.get(model) as EmbeddingCache;
    const m = new Map<string, Float32Array | null>();
    for (const f of files) {
      const s = cache[f];
      m.set(f, s ? decodeVector(s) : null);
    }
    vectors.set(model, m);
  }
  return { vectors, imagesPerSecond, computed: todo.length };
}

function formatReport(model: string, r: VerificationReport): string {
  const pct = (v: number): string => `${(v * 100).toFixed(2)}%`;
  return [
    `model ${model}`,
    `  accuracy   ${pct(r.accuracy)} +- ${pct(r.accuracyStd)} (folds: ${r.foldAccuracy.map(pct).join(', ')})`,
    `  threshold  ${r.threshold.toFixed(4)} (mean over folds)`,
    `  ROC AUC    ${r.auc.toFixed(5)}   EER ${pct(r.eer)}`,
    `  TAR@FAR    1e-2: ${pct(r.tarAtFar['1e-2'])}   1e-3: ${pct(r.tarAtFar['1e-3'])}`,
    `  pairs      ${r.pairs} (${r.failures} unscored, counted as errors)`,
  ].join('\n');
}

/** Adds detect, embed, compare, eval and bench to a commander program (the server's CLI can reuse them). */
export function registerRecognitionCommands(program: Command): Command {
  const modelHelp = `embedding model (${MODEL_REGISTRY.map((m) => m.id).join(', ')}; default ${DEFAULT_MODEL_ID})`;

  program
    .command('detect')
    .description('find faces in an image: boxes, landmarks, pose, quality, spoof scores')
    .argument('<image>', 'image file')
    .option('--json', 'print one JSON object')
    .addOption(backendOption())
    .action(async (image: string, o: { json?: boolean; backend: BackendName }) =>
      runSafely(async () => {
        const engine = await openEngine({ backend: o.backend, mirror: true }, 0);
        try {
          const r = await engine.analyze(await readImage(image), { embed: false, polygon: Boolean(o.json) });
          if (o.json) {
            out(JSON.stringify({ width: r.width, height: r.height, faces: r.faces.map((f, i) => ({ ...faceSummary(f, i), polygon: f.polygon })) }));
          } else {
            out(`${image}: ${r.width}x${r.height}, ${r.faces.length} face(s)`);
            r.faces.forEach((f, i) => {
              out(
                `  #${i} box ${Math.round(f.box.x)},${Math.round(f.box.y)} ${Math.round(f.box.width)}x${Math.round(f.box.height)} score ${f.score.toFixed(2)} ` +
                  `yaw ${f.pose.yaw.toFixed(0)} pitch ${f.pose.pitch.toFixed(0)} roll ${f.pose.roll.toFixed(0)} eyes ${f.quality.eyeDistance.toFixed(0)}px ` +
                  `quality ${f.quality.score.toFixed(2)}${f.quality.reasons.length ? ` (${f.quality.reasons.join(', ')})` : ''} antispoof ${f.spoof.antispoof?.toFixed(2) ?? '-'} liveness ${f.spoof.liveness?.toFixed(2) ?? '-'}`,
              );
            });
          }
        } finally {
          await engine.close();
        }
      }),
    );

  program
    .command('embed')
    .description('print the embedding of every face in an image')
    .argument('<image>', 'image file')
    .option('--model <id>', modelHelp)
    .option('--no-mirror', 'do not average with the mirrored face')
    .option('--json', 'print one JSON object')
    .addOption(backendOption())
    .action(async (image: string, o: EngineOptions & { json?: boolean }) =>
      runSafely(async () => {
        const engine = await openEngine(o, 0);
        try {
          const r = await engine.analyze(await readImage(image), { polygon: false });
          const faces = r.faces.map((f, i) => ({ ...faceSummary(f, i), model: f.modelId, embedding: Array.from(f.embedding ?? [], (v) => round(v, 6)) }));
          if (o.json) out(JSON.stringify({ width: r.width, height: r.height, faces }));
          else {
            out(`${image}: ${r.faces.length} face(s), model ${r.faces[0]?.modelId ?? o.model ?? DEFAULT_MODEL_ID}`);
            faces.forEach((f, i) => out(`  #${i} [${f.embedding.map((v) => v.toFixed(4)).join(', ')}]`));
          }
        } finally {
          await engine.close();
        }
      }),
    );

  program
    .command('compare')
    .description('cosine similarity between the main faces of two images')
    .argument('<imageA>', 'first image')
    .argument('<imageB>', 'second image')
    .option('--model <id>', modelHelp)
    .option('--no-mirror', 'do not average with the mirrored face')
    .option('--json', 'print one JSON object')
    .addOption(backendOption())
    .action(async (a: string, b: string, o: EngineOptions & { json?: boolean }) =>
      runSafely(async () => {
        const engine = await openEngine(o, 0, false);
        try {
          const [ra, rb] = [await engine.analyze(await readImage(a), { polygon: false }), await engine.analyze(await readImage(b), { polygon: false })];
          const fa = pickSubjectFace(ra);
          const fb = pickSubjectFace(rb);
          const info = getModelInfo(o.model ?? DEFAULT_MODEL_ID);
          if (!fa?.embedding || !fb?.embedding) {
            const missing = !fa ? a : b;
            if (o.json) out(JSON.stringify({ similarity: null, samePerson: null, threshold: info.threshold, model: info.id, error: 'NO_FACE', image: missing }));
            else out(`no face found in ${missing}`);
            process.exitCode = 2;
            return;
          }
          const similarity = cosineSimilarity(fa.embedding, fb.embedding);
          const samePerson = similarity >= info.threshold;
          if (o.json) out(JSON.stringify({ similarity: round(similarity, 6), samePerson, threshold: info.threshold, model: info.id }));
          else out(`similarity ${similarity.toFixed(4)} (threshold ${info.threshold}, model ${info.id}): ${samePerson ? 'same person' : 'different people'}`);
        } finally {
          await engine.close();
        }
      }),
    );

  const evalCmd = program.command('eval').description('accuracy benchmarks');
  evalCmd
    .command('lfw')
    .description('LFW verification with the official k-fold protocol (threshold chosen on the other folds)')
    .requiredOption('--pairs <file>', 'pairs file in the official LFW format')
    .requiredOption('--images <dir>', 'LFW images directory (Name/Name_0001.jpg)')
    .option('--model <ids>', `${modelHelp}; a comma-separated list evaluates each and their z-score fusion in one pass`)
    .option('--no-mirror', 'do not average with the mirrored face')
    .option('--workers <n>', 'worker threads', positiveInt, os.availableParallelism())
    .option('--out <dir>', 'write roc.csv, roc.svg, report.json and the embedding cache here')
    .addOption(new Option('--chip-landmarks <kind>', 'landmarks placing the dlib chip').choices(['mesh-51', 'five-point']).default('mesh-51'))
    .option('--json', 'print one JSON object')
    .addOption(backendOption())
    .action(async (o: { pairs: string; images: string; model?: string; mirror: boolean; workers: number; out?: string; json?: boolean; backend: BackendName; chipLandmarks: 'mesh-51' | 'five-point' }) =>
      runSafely(async () => {
        const models = (o.model ?? DEFAULT_MODEL_ID).split(',').map((m) => getModelInfo(m.trim()).id);
        const embedded = [...models];
        const pairs = parseLfwPairs(await readFile(o.pairs, 'utf8'));
        const files = [...new Set(pairs.flatMap((p) => [lfwImagePath(o.images, p.a), lfwImagePath(o.images, p.b)]))];
        err(`${pairs.length} pairs, ${files.length} images`);
        const { vectors, imagesPerSecond } = await embedImages(files, embedded, { backend: o.backend, mirror: o.mirror, chipLandmarks: o.chipLandmarks }, o.workers, o.out);
        const reports: Record<string, VerificationReport & { noFace: number }> = {};
        for (const model of models) {
          const v = vectors.get(model) as Map<string, Float32Array | null>;
          const scored: ScoredPair[] = pairs.map((p) => {
            const ea = v.get(lfwImagePath(o.images, p.a));
            const eb = v.get(lfwImagePath(o.images, p.b));
            return { fold: p.fold, same: p.same, score: ea && eb ? cosineSimilarity(ea, eb) : null };
          });
          const noFace = files.filter((f) => !v.get(f)).length;
          reports[model] = { ...evaluateVerification(scored), noFace };
        }
        if (models.length > 1) {
          const perModel = models.map((model) => {
            const v = vectors.get(model) as Map<string, Float32Array | null>;
            return pairs.map((p) => {
              const ea = v.get(lfwImagePath(o.images, p.a));
              const eb = v.get(lfwImagePath(o.images, p.b));
              return ea && eb ? cosineSimilarity(ea, eb) : null;
            });
          });
          const stats = perModel.map((scores) => {
            const valid = scores.filter((x): x is number => x !== null);
            const mean = valid.reduce((a, b) => a + b, 0) / Math.max(1, valid.length);
            const std = Math.sqrt(valid.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, valid.length)) || 1;
            return { mean, std };
          });
          const fused: ScoredPair[] = pairs.map((p, i) => {
            let sum = 0;
            for (let k = 0; k < models.length; k++) {
              const score = (perModel[k] as (number | null)[])[i];
              if (score === null || score === undefined) return { fold: p.fold, same: p.same, score: null };
              const st = stats[k] as { mean: number; std: number };
              sum += (score - st.mean) / st.std;
            }
            return { fold: p.fold, same: p.same, score: sum / models.length };
          });
          const fusionId = `fusion(${models.join('+')})`;
          reports[fusionId] = { ...evaluateVerification(fused), noFace: Math.max(...models.map((m) => (reports[m] as { noFace: number }).noFace)) };
          models.push(fusionId);
        }
        const summary = (model: string): Record<string, unknown> => {
          const r = reports[model] as VerificationReport & { noFace: number };
          return {
            accuracy: round(r.accuracy, 6),
            accuracyStd: round(r.accuracyStd, 6),
            auc: round(r.auc, 6),
            eer: round(r.eer, 6),
            tarAtFar: { '1e-2': round(r.tarAtFar['1e-2'], 6), '1e-3': round(r.tarAtFar['1e-3'], 6) },
            pairs: r.pairs,
            failures: r.failures,
            model,
            imagesPerSecond: round(imagesPerSecond, 2),
            threshold: round(r.threshold, 6),
            foldAccuracy: r.foldAccuracy.map((a) => round(a, 6)),
            imagesWithoutFace: r.noFace,
            mirror: o.mirror,
            chipLandmarks: o.chipLandmarks,
          };
        };
        if (o.out) {
          await mkdir(o.out, { recursive: true });
          const first = models[0] as string;
          const r = reports[first] as VerificationReport;
          const fileId = (id: string): string => id.replace(/[^a-z0-9+-]+/gi, '_');
          await writeFile(path.join(o.out, 'roc.csv'), rocCsv(r.roc));
          await writeFile(path.join(o.out, 'roc.svg'), rocSvg(r.roc, `LFW ROC, ${first}, accuracy ${(r.accuracy * 100).toFixed(2)}%`));
          for (const model of models.slice(1)) {
            const rm = reports[model] as VerificationReport;
            await writeFile(path.join(o.out, `roc-${fileId(model)}.csv`), rocCsv(rm.roc));
            await writeFile(path.join(o.out, `roc-${fileId(model)}.svg`), rocSvg(rm.roc, `LFW ROC, ${model}, accuracy ${(rm.accuracy * 100).toFixed(2)}%`));
          }
          await writeFile(path.join(o.out, 'report.json'), JSON.stringify(Object.fromEntries(models.map((m) => [m, summary(m)])), null, 2) + '\n');
        }
        if (o.json) {
          const first = summary(models[0] as string);
          out(JSON.stringify(models.length > 1 ? { ...first, others: models.slice(1).map(summary) } : first));
        } else {
          for (const model of models) out(formatReport(model, reports[model] as VerificationReport));
          out(imagesPerSecond > 0 ? `embedding throughput ${imagesPerSecond.toFixed(1)} images/s` : 'all embeddings came from the cache');
        }
      }),
    );

  program
    .command('bench')
    .description('per-stage timings and images per second for 1..N workers')
    .option('--images <dir>', 'folder of photos (searched recursively)', path.join(defaultDataDir(), 'lfw', 'images'))
    .option('--count <n>', 'images per run', positiveInt, 200)
    .option('--workers <n>', 'largest worker count to measure', positiveInt, os.availableParallelism())
    .option('--model <id>', modelHelp)
    .option('--no-mirror', 'do not average with the mirrored face')
    .option('--out <dir>', 'also write bench.json here')
    .option('--json', 'print one JSON object')
    .addOption(backendOption())
    .action(async (o: EngineOptions & { images: string; count: number; workers: number; out?: string; json?: boolean }) =>
      runSafely(async () => {
        const files = await listImages(o.images, o.count);
        if (files.length === 0) throw new Error(`No images found under ${o.images}; pass --images DIR.`);
        const images = await Promise.all(files.map((f) => readFile(f)));
        const model = getModelInfo(o.model ?? DEFAULT_MODEL_ID).id;
        const imagesPerSecond: Record<string, number> = {};
        let stagesMs: Record<string, number> = {};
        let backend: string = o.backend;
        for (let workers = 1; workers <= Math.max(1, o.workers); workers++) {
          const engine = await openEngine({ ...o, model }, workers);
          backend = engine.info().backend;
          await engine.analyzeMany(images.slice(0, workers * 2));
          const started = performance.now();
          const results = await engine.analyzeMany(images, { polygon: true });
          const secs = (performance.now() - started) / 1000;
          await engine.close();
          imagesPerSecond[String(workers)] = round(images.length / secs, 2);
          err(`${workers} worker(s): ${(images.length / secs).toFixed(2)} images/s over ${images.length} images`);
          if (workers === 1) {
            const timings = results.flatMap((r) => (r.ok ? [r.result.timings] : []));
            const keys: (keyof StageTimings)[] = ['decode', 'detect', 'align', 'quality', 'embed', 'total'];
            stagesMs = Object.fromEntries(keys.map((k) => [k, round(median(timings.map((t) => t[k])), 2)]));
          }
        }
        const maxWorkers = Math.max(1, o.workers);
        const report = {
          imagesPerSecond: imagesPerSecond[String(maxWorkers)] ?? 0,
          workers: maxWorkers,
          stagesMs,
          model,
          backend,
          imagesPerSecondByWorkers: imagesPerSecond,
          images: images.length,
          mirror: o.mirror,
          cpus: os.cpus().length,
        };
        if (o.out) {
          await mkdir(o.out, { recursive: true });
          await writeFile(path.join(o.out, 'bench.json'), JSON.stringify(report, null, 2) + '\n');
        }
        if (o.json) out(JSON.stringify(report));
        else {
          out(`model ${model}, backend ${backend}, ${images.length} images`);
          out(`per-stage median ms (1 worker): ${Object.entries(stagesMs).map(([k, v]) => `${k} ${v}`).join(', ')}`);
          for (const [w, ips] of Object.entries(imagesPerSecond)) out(`${w} worker(s): ${ips} images/s`);
        }
      }),
    );

  return program;
}
