import type { tf } from '../runtime/backend.js';

/**
 * The weight specs of a tfjs weights manifest and all its shards in one buffer, as tf.io wants them;
 * `read` supplies each shard's bytes (already checksum-verified by the caller).
 */
export async function concatWeights(
  manifest: tf.io.WeightsManifestConfig,
  read: (shard: string) => Buffer | Promise<Buffer>,
): Promise<[tf.io.WeightsManifestEntry[], ArrayBuffer]> {
  const specs: tf.io.WeightsManifestEntry[] = [];
  const buffers: Buffer[] = [];
  for (const group of manifest) {
    specs.push(...group.weights);
    for (const shard of group.paths) buffers.push(await read(shard));
  }
  const all = Buffer.concat(buffers);
  return [specs, all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer];
}
