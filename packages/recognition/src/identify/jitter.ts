import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';

/**
 * Crops of jitter averaging, as fractions of the image: each is cut out and resized back to the
 * original size, so the detector, landmarks and alignment see a slightly moved and scaled face.
 */
export const JITTER_CROPS: ReadonlyArray<{ left: number; top: number; size: number }> = [
  { left: 0, top: 0, size: 0.94 },
  { left: 0.06, top: 0.06, size: 0.94 },
  { left: 0.05, top: 0.05, size: 0.9 },
  { left: 0.06, top: 0, size: 0.94 },
];

/** Path of jittered copy `k` (1-based) of `file` below `dir`: jitter-k/<person>/<name>. */
export function jitteredPath(dir: string, file: string, k: number): string {
  return path.join(dir, `jitter-${k}`, path.basename(path.dirname(file)), path.basename(file));
}

/** Writes jittered copy `k` of `file` unless it exists; returns its path. */
export async function writeJittered(dir: string, file: string, k: number): Promise<string> {
  const target = jitteredPath(dir, file, k);
  if (existsSync(target)) return target;
  const crop = JITTER_CROPS[k - 1];
  if (!crop) throw new Error(`--jitter can be at most ${JITTER_CROPS.length}`);
  const meta = await sharp(file).metadata();
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  await mkdir(path.dirname(target), { recursive: true });
  await sharp(file)
    .extract({
      left: Math.round(crop.left * width),
      top: Math.round(crop.top * height),
      width: Math.round(crop.size * width),
      height: Math.round(crop.size * height),
    })
    .resize(width, height)
    .jpeg({ quality: 95 })
    .toFile(target);
  return target;
}

/** Mean of the unit-length embeddings that exist, at unit length; null when none does. */
export function averageEmbeddings(embeddings: ReadonlyArray<Float32Array | null>): Float32Array | null {
  let sum: Float32Array | null = null;
  for (const e of embeddings) {
    if (!e) continue;
    let n = 0;
    for (const x of e) n += x * x;
    n = Math.sqrt(n) || 1;
    sum ??= new Float32Array(e.length);
    for (let i = 0; i < e.length; i++) sum[i] = (sum[i] as number) + (e[i] as number) / n;
  }
  if (!sum) return null;
  let n = 0;
  for (const x of sum) n += x * x;
  n = Math.sqrt(n) || 1;
  return sum.map((x) => x / n);
}
