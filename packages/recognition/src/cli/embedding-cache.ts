import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { isRecognitionError } from '../errors.js';
import { getModelInfo } from '../models/registry.js';
import { pickSubjectFace } from '../subject-face.js';
import type { LabelledEmbedding } from '../training/projection-head.js';
import type { Face } from '../types.js';
import { err, openEngine, readImage, type EngineOptions } from './shared.js';

export type EmbeddingCache = Record<string, string | null>;

export function encodeVector(v: Float32Array): string {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
}

export function decodeVector(s: string): Float32Array {
  const b = Buffer.from(s, 'base64');
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

/** Embeds every image once per model with bounded concurrency, reusing and extending the on-disk cache. */
export async function embedImages(
  files: string[],
  models: string[],
  o: EngineOptions,
  workers: number,
  cacheDir: string | undefined,
): Promise<{
  vectors: Map<string, Map<string, Float32Array | null>>;
  imagesPerSecond: number;
  computed: number;
}> {
  const caches = new Map<string, EmbeddingCache>();
  const variant = (model: string): string =>
    `${o.mirror ? '' : '-nomirror'}${getModelInfo(model).alignment === 'dlib-chip' && o.chipLandmarks && o.chipLandmarks !== 'mesh-51' ? `-${o.chipLandmarks === 'five-point' ? 'five' : o.chipLandmarks}` : ''}${o.chipJitter ? `-jitter${o.chipJitter}` : ''}`;
  // An operator model's cache is named by its file's checksum too: a new file under the same id starts a new cache.
  const fileTag = (model: string): string => {
    const info = getModelInfo(model);
    return info.operator ? `-${(info.weights[0]?.sha256 ?? '').slice(0, 12)}` : '';
  };
  const cacheFile = (model: string): string =>
    path.join(cacheDir ?? '.', `embeddings-${model}${fileTag(model)}${variant(model)}.json`);
  for (const model of models) {
    let cache: EmbeddingCache = {};
    if (cacheDir && existsSync(cacheFile(model)))
      cache = JSON.parse(await readFile(cacheFile(model), 'utf8')) as EmbeddingCache;
    caches.set(model, cache);
  }
  const saveCaches = async (): Promise<void> => {
    if (!cacheDir) return;
    await mkdir(cacheDir, { recursive: true });
    for (const model of models) await writeFile(cacheFile(model), JSON.stringify(caches.get(model)));
  };
  const todo = files.filter((f) => models.some((m) => caches.get(m)?.[f] === undefined));
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
        const missing = models.filter((m) => caches.get(m)?.[file] === undefined);
        const primary = missing[0] as string;
        let face: Face | undefined;
        try {
          const result = await engine.analyze(await readImage(file), {
            polygon: false,
            model: primary,
            extraModels: missing.slice(1),
          });
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

/** One labelled sample per embedded image; the label is the image's folder (one folder per person). */
export function labelledSamples(vectors: ReadonlyMap<string, Float32Array | null>): LabelledEmbedding[] {
  const samples: LabelledEmbedding[] = [];
  for (const [file, embedding] of vectors)
    if (embedding) samples.push({ label: path.basename(path.dirname(file)), embedding });
  return samples;
}
