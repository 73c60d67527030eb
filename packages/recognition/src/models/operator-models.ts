// Operator-supplied models: every *.json file of the models directory is a manifest naming an ONNX
// file beside it. Each is checked at start (manifest, file, checksum, the network's declared input
// and output against the manifest) and either registered next to the shipped models or refused with
// one reason and a message saying what to fix. A refused model never stops the engine.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type * as Ort from 'onnxruntime-node';
import { isRecognitionError } from '../errors.js';
import { moduleLogger } from '../logger.js';
import { loadOnnxRuntime } from '../onnx/onnx-embedder.js';
import { checkModelManifest, type ModelManifest } from './model-manifest.js';
import { SHIPPED_MODELS, type EmbeddingModelInfo } from './registry.js';

const log = moduleLogger('operator-models');

/** Why an operator model was refused; each has its own message saying what to fix. */
export const OPERATOR_MODEL_REFUSALS = [
  /** The manifest is not JSON, or a field is missing or wrong (every problem is listed). */
  'BAD_MANIFEST',
  /** Another manifest, or a shipped model, already has this id. */
  'DUPLICATE_ID',
  /** The model file the manifest names does not exist (or is not a file). */
  'MISSING_FILE',
  /** The file's SHA-256 differs from the manifest's. */
  'CHECKSUM_MISMATCH',
  /** ONNX Runtime cannot load the file as a model. */
  'UNREADABLE_MODEL',
  /** The network's declared input (rank, size, channels) differs from the manifest's input. */
  'INPUT_SHAPE_MISMATCH',
  /** The network's input or output is not a float32 tensor (FaceLedger feeds and reads float32). */
  'TENSOR_TYPE_MISMATCH',
  /** The network's declared output length differs from the manifest's outputDims. */
  'OUTPUT_SHAPE_MISMATCH',
] as const;

/** One of OPERATOR_MODEL_REFUSALS. */
export type OperatorModelRefusal = (typeof OPERATOR_MODEL_REFUSALS)[number];

/** What became of one manifest of the models directory. */
export interface OperatorModelReport {
  /** The manifest's id, or its file name when the manifest has no valid id. */
  id: string;
  /** Absolute path of the manifest. */
  manifest: string;
  /** REGISTERED: usable by id; REFUSED: not registered, `reason` and `message` say why. */
  state: 'REGISTERED' | 'REFUSED';
  /** Why it was refused; null when registered. */
  reason: OperatorModelRefusal | null;
  /** What is wrong and what to do; null when registered. */
  message: string | null;
  /** The registry entry, when registered. */
  info: EmbeddingModelInfo | null;
}

/** Everything found in a models directory. */
export interface OperatorModelsLoad {
  /** Absolute path of the directory. */
  dir: string;
  /** Why the directory itself could not be read (then `reports` is empty); null when it could. */
  error: string | null;
  /** One report per manifest, in file-name order. */
  reports: OperatorModelReport[];
}

/** The shape ONNX Runtime declares for a network's input or output. */
export interface DeclaredTensor {
  name: string;
  /** Element type ('float32', 'uint8', ...); '' for a value that is not a tensor. */
  type: string;
  /** Dimensions; a string is a symbolic (free) dimension, such as a batch size. */
  shape: ReadonlyArray<number | string>;
}

/** Reads the declared inputs and outputs of an ONNX file; throws when ONNX Runtime cannot load it. */
export type OnnxSignatureReader = (file: string) => Promise<{ inputs: DeclaredTensor[]; outputs: DeclaredTensor[] }>;

/** Refusal thrown inside the checks of one manifest. */
class Refused extends Error {
  constructor(
    readonly reason: OperatorModelRefusal,
    message: string,
  ) {
    super(message);
  }
}

/** Reads a network's signature with onnxruntime-node (loaded only when an operator model is checked). */
export const readOnnxSignature: OnnxSignatureReader = async (file) => {
  const ort = await loadOnnxRuntime();
  const session = await ort.InferenceSession.create(file, { graphOptimizationLevel: 'disabled' });
  try {
    const describe = (names: readonly string[], metadata: readonly Ort.InferenceSession.ValueMetadata[]): DeclaredTensor[] =>
      names.map((name, i) => {
        const meta = metadata[i];
        return { name, type: meta && meta.isTensor ? meta.type : '', shape: meta && meta.isTensor ? meta.shape : [] };
      });
    return { inputs: describe(session.inputNames, session.inputMetadata), outputs: describe(session.outputNames, session.outputMetadata) };
  } finally {
    await session.release();
  }
};

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function formatShape(shape: ReadonlyArray<number | string>): string {
  return `[${shape.map((d) => (typeof d === 'string' ? `'${d}'` : String(d))).join(', ')}]`;
}

/** The input shape a manifest promises, batch first. */
export function expectedInputShape(m: ModelManifest): number[] {
  const { size } = m.input;
  return m.input.layout === 'NCHW' ? [1, 3, size, size] : [1, size, size, 3];
}

/** Compares a declared shape with the expected one: symbolic dimensions, and -1, match anything. */
function shapeMatches(declared: ReadonlyArray<number | string>, expected: readonly number[]): boolean {
  if (declared.length !== expected.length) return false;
  return declared.every((d, i) => typeof d === 'string' || d < 0 || (i === 0 ? d >= 1 : d === expected[i]));
}

/** Checks the network's declared input and output against the manifest. */
function checkSignature(m: ModelManifest, file: string, signature: { inputs: DeclaredTensor[]; outputs: DeclaredTensor[] }): void {
  const input = signature.inputs[0];
  const expected = expectedInputShape(m);
  const promised = `${m.input.layout} [batch, ${expected.slice(1).join(', ')}]`;
  if (signature.inputs.length !== 1 || !input) {
    throw new Refused('INPUT_SHAPE_MISMATCH', `${path.basename(file)} declares ${signature.inputs.length} inputs (${signature.inputs.map((t) => t.name).join(', ')}); an embedding model takes one image tensor. Export the network with a single input.`);
  }
  if (input.type !== 'float32') {
    throw new Refused('TENSOR_TYPE_MISMATCH', `${path.basename(file)} declares input '${input.name}' as ${input.type || 'a non-tensor value'}; FaceLedger feeds float32 images, so export the network with a float32 input.`);
  }
  if (!shapeMatches(input.shape, expected)) {
    throw new Refused(
      'INPUT_SHAPE_MISMATCH',
      `${path.basename(file)} declares input '${input.name}' as ${formatShape(input.shape)}, but the manifest says ${promised} ` +
        `(input.layout ${m.input.layout}, input.size ${m.input.size}); correct input.layout or input.size in the manifest to match the network.`,
    );
  }
  const output = signature.outputs[0];
  if (output && output.type !== 'float32') {
    throw new Refused('TENSOR_TYPE_MISMATCH', `${path.basename(file)} declares output '${output.name}' as ${output.type || 'a non-tensor value'}; FaceLedger reads a float32 embedding, so export the network with a float32 first output.`);
  }
  const dims = output?.shape.at(-1);
  if (!output || (typeof dims === 'number' && dims >= 0 && dims !== m.outputDims)) {
    throw new Refused(
      'OUTPUT_SHAPE_MISMATCH',
      output
        ? `${path.basename(file)} declares output '${output.name}' as ${formatShape(output.shape)}, ${dims}-d, but the manifest's outputDims is ${m.outputDims}; set outputDims to ${dims}.`
        : `${path.basename(file)} declares no output; export the network with its embedding as the first output.`,
    );
  }
}

function humanNormalisation(m: ModelManifest): string {
  const { colourOrder, mean, std, layout } = m.input;
  return `${colourOrder} 0..255 minus mean [${mean.join(', ')}], divided by std [${std.join(', ')}]; ${layout}`;
}

/** The registry entry of an accepted manifest. */
export function operatorModelInfo(m: ModelManifest, manifestPath: string, file: string): EmbeddingModelInfo {
  return {
    id: m.id,
    version: m.version,
    dims: m.outputDims,
    inputSize: m.input.size,
    alignment: m.alignment,
    normalisation: humanNormalisation(m),
    weights: [{ source: 'operator', file, sha256: m.sha256 }],
    licence: m.licence,
    origin: m.origin ?? `operator-supplied (${path.basename(manifestPath)})`,
    threshold: m.pairThreshold,
    operator: {
      manifest: manifestPath,
      file,
      layout: m.input.layout,
      colourOrder: m.input.colourOrder,
      mean: m.input.mean,
      std: m.input.std,
      identifyCalibration: m.identifyCalibration ? { model: m.id, data: m.identifyCalibration.data, measured: m.identifyCalibration.measured, points: m.identifyCalibration.points } : null,
    },
  };
}

/** Checks one manifest; returns the model or throws Refused. */
async function checkOne(manifestPath: string, taken: Set<string>, readSignature: OnnxSignatureReader): Promise<{ id: string; info: EmbeddingModelInfo }> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(manifestPath, 'utf8'));
  } catch (error) {
    throw new Refused('BAD_MANIFEST', `${path.basename(manifestPath)} is not valid JSON (${(error as Error).message}); fix the file.`);
  }
  const checked = checkModelManifest(json);
  if (!checked.ok) throw new Refused('BAD_MANIFEST', `${path.basename(manifestPath)} is not a valid model manifest: ${checked.problems.join('; ')}. Fix these fields (see "Operator models" in the recognition README).`);
  const m = checked.manifest;
  if (taken.has(m.id)) {
    const shipped = SHIPPED_MODELS.some((s) => s.id === m.id);
    throw new Refused('DUPLICATE_ID', `${path.basename(manifestPath)} uses the id '${m.id}', which ${shipped ? 'a shipped model has' : 'an earlier manifest in this directory already registered'}; give the model an id of its own.`);
  }
  const file = path.resolve(path.dirname(manifestPath), m.file);
  const found = await stat(file).catch(() => null);
  if (!found?.isFile()) throw new Refused('MISSING_FILE', `${path.basename(manifestPath)} names the model file ${file}, which does not exist; copy the ONNX file there or correct 'file' in the manifest.`);
  const digest = await sha256Of(file);
  if (digest !== m.sha256) {
    throw new Refused('CHECKSUM_MISMATCH', `${file} has SHA-256 ${digest}, but ${path.basename(manifestPath)} expects ${m.sha256}; the file is damaged or not the one the manifest describes. Copy the right file, or (after checking where this file came from) put its checksum in the manifest.`);
  }
  let signature: Awaited<ReturnType<OnnxSignatureReader>>;
  try {
    signature = await readSignature(file);
  } catch (error) {
    throw new Refused('UNREADABLE_MODEL', `ONNX Runtime cannot load ${file} (${(error as Error).message.split('\n')[0]}); check that it is an ONNX model file.`);
  }
  checkSignature(m, file, signature);
  return { id: m.id, info: operatorModelInfo(m, manifestPath, file) };
}

/**
 * Checks every manifest (*.json) of `dir` and returns one report each; registers nothing (see
 * registerOperatorModels). A missing or unreadable directory is reported in `error`.
 */
export async function loadOperatorModels(dir: string, readSignature: OnnxSignatureReader = readOnnxSignature): Promise<OperatorModelsLoad> {
  const absolute = path.resolve(dir);
  let names: string[];
  try {
    names = (await readdir(absolute, { withFileTypes: true })).filter((e) => e.isFile() && e.name.toLowerCase().endsWith('.json')).map((e) => e.name).sort();
  } catch (error) {
    const message = `The models directory ${absolute} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); create it, or unset the models directory setting.`;
    log.error({ dir: absolute }, message);
    return { dir: absolute, error: message, reports: [] };
  }
  const taken = new Set(SHIPPED_MODELS.map((m) => m.id));
  const reports: OperatorModelReport[] = [];
  for (const name of names) {
    const manifest = path.join(absolute, name);
    try {
      const { id, info } = await checkOne(manifest, taken, readSignature);
      taken.add(id);
      reports.push({ id, manifest, state: 'REGISTERED', reason: null, message: null, info });
      log.info({ model: id, manifest }, 'operator model registered');
    } catch (error) {
      if (!(error instanceof Refused)) throw error;
      const id = await manifestId(manifest);
      reports.push({ id, manifest, state: 'REFUSED', reason: error.reason, message: error.message, info: null });
      log.error({ model: id, manifest, reason: error.reason }, error.message);
    }
  }
  return { dir: absolute, error: null, reports };
}

/** The id a manifest claims, for naming a refused one; its file name when it has none. */
async function manifestId(manifest: string): Promise<string> {
  try {
    const json = JSON.parse(await readFile(manifest, 'utf8')) as { id?: unknown };
    if (typeof json.id === 'string' && json.id.length > 0 && json.id.length <= 64) return json.id;
  } catch {
    // not JSON: named by its file
  }
  return path.basename(manifest, path.extname(manifest));
}

/** An operator model that passed the start check but failed to load in a recognition thread (a worker). */
export interface OperatorModelLoadFailure {
  /** The model's id. */
  id: string;
  /** MISSING_FILE, CHECKSUM_MISMATCH (the file changed after the check) or UNREADABLE_MODEL. */
  reason: OperatorModelRefusal;
  /** What went wrong and what to do. */
  message: string;
}

/**
 * Names why loading a checked operator model failed in a thread, with the start check's reasons:
 * MISSING_FILE and CHECKSUM_MISMATCH as readVerifiedWeights tags them, else UNREADABLE_MODEL.
 */
export function operatorModelLoadFailure(info: EmbeddingModelInfo, error: unknown): OperatorModelLoadFailure {
  const prefix = 'It passed the start check, but a recognition thread could not load it: ';
  const tagged = isRecognitionError(error) ? error.details.refusal : undefined;
  const reason: OperatorModelRefusal = tagged === 'MISSING_FILE' || tagged === 'CHECKSUM_MISMATCH' ? tagged : 'UNREADABLE_MODEL';
  if (isRecognitionError(error)) return { id: info.id, reason, message: `${prefix}${error.message}` };
  const detail = (error instanceof Error ? error.message : String(error)).split('\n')[0];
  return { id: info.id, reason, message: `${prefix}ONNX Runtime cannot load ${info.operator?.file ?? info.id} (${detail}); check that it is an ONNX model file, then restart.` };
}

/** The load with each failed model's report turned REFUSED (first failure per id); the load itself when none failed. */
export function withLoadFailures(load: OperatorModelsLoad, failures: readonly OperatorModelLoadFailure[]): OperatorModelsLoad {
  if (failures.length === 0) return load;
  const reports = load.reports.map((r): OperatorModelReport => {
    const failure = r.state === 'REGISTERED' ? failures.find((f) => f.id === r.id) : undefined;
    return failure ? { ...r, state: 'REFUSED', reason: failure.reason, message: failure.message, info: null } : r;
  });
  return { ...load, reports };
}
