// The manifest an operator writes beside a model file they bring (one JSON file per model in the
// models directory). Validated with zod; every problem is reported at once, with its JSON path.
import { z } from 'zod';
import { CALIBRATED_FPIR_TARGETS } from '../identify/calibration.js';

/** Ids are stored with every embedding, so they stay short, lower-case and URL-safe. */
const MODEL_ID = /^[a-z0-9][a-z0-9._-]{1,63}$/;

/** pgvector's HNSW index takes at most 2,000 dimensions; wider embeddings could not be searched fast. */
export const MAX_OPERATOR_MODEL_DIMS = 2000;

const channelTriple = (what: string, positive: boolean) =>
  z
    .tuple([z.number(), z.number(), z.number()], { error: `${what} must be three numbers, one per channel in colourOrder` })
    .refine((values) => values.every((v) => Number.isFinite(v) && (!positive || v > 0)), `${what} must be three finite numbers${positive ? ' above 0' : ''}`);

/** How the aligned face is turned into the network's input tensor. */
const inputSchema = z.strictObject({
  /** Side in pixels of the square aligned face the network takes. */
  size: z.number().int().min(16).max(1024),
  /** Tensor layout of the network's input: NCHW (channels first, PyTorch and OpenCV) or NHWC (TensorFlow). */
  layout: z.enum(['NCHW', 'NHWC']),
  /** Channel order the network expects. */
  colourOrder: z.enum(['RGB', 'BGR']),
  /** Subtracted from each 0..255 channel value (in colourOrder) before dividing by std. */
  mean: channelTriple('input.mean', false),
  /** Divides each channel after the mean is subtracted (in colourOrder). */
  std: channelTriple('input.std', true),
});

/** An identify calibration as `faceledger eval identify` measures it (see src/identify/calibration.ts). */
const calibrationSchema = z.strictObject({
  /** What it was measured on (data set, photos enrolled per person). */
  data: z.string().min(1).max(500),
  /** When it was measured (YYYY-MM-DD). */
  measured: z.iso.date(),
  /** FPIR target ("0.01", "0.003", "0.001") -> [gallery size, identify threshold] pairs by increasing size. */
  points: z
    .record(
      z.enum(CALIBRATED_FPIR_TARGETS.map(String) as [string, ...string[]]),
      z
        .array(z.tuple([z.number().int().min(1), z.number().gt(0).max(2.5)]))
        .min(1)
        .refine((pairs) => pairs.every((p, i) => i === 0 || p[0] > (pairs[i - 1] as [number, number])[0]), 'gallery sizes must increase'),
    )
    .refine((points) => CALIBRATED_FPIR_TARGETS.every((t) => points[String(t)] !== undefined), {
      message: `give every FPIR target: ${CALIBRATED_FPIR_TARGETS.join(', ')}`,
    }),
});

/** One operator-supplied model: what the file is, how to feed it, and how to read its scores. */
export const modelManifestSchema = z.strictObject({
  /** Registry id, stored with every embedding (lower-case letters, digits, '.', '_', '-'). */
  id: z.string().regex(MODEL_ID, 'must be 2-64 lower-case letters, digits, ".", "_" or "-", starting with a letter or digit'),
  /** Version of the weights; embeddings of different versions are not comparable. */
  version: z.string().min(1).max(100),
  /** The ONNX file, relative to the manifest's folder. */
  file: z
    .string()
    .min(1)
    .refine((f) => !f.includes('\0'), 'must be a file name'),
  /** SHA-256 (hex) of the file's bytes; the file is refused when it differs. */
  sha256: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hexadecimal digits (run sha256sum on the file)')
    .transform((s) => s.toLowerCase()),
  /** The network's input: size, layout, colour order, normalisation. */
  input: inputSchema,
  /** Alignment template: 'arcface' (InsightFace's 5 points, 112 px scaled to input.size) or 'dlib-chip' (dlib's face chip, padding 0.25). */
  alignment: z.enum(['arcface', 'dlib-chip']),
  /** Length of the embedding the network outputs. */
  outputDims: z.number().int().min(2).max(MAX_OPERATOR_MODEL_DIMS),
  /** Licence of the weights, as the operator must honour it (shown in the admin). */
  licence: z.string().min(1).max(10_000),
  /** Where the weights come from (shown in the admin). */
  origin: z.string().min(1).max(1000).optional(),
  /** Cosine similarity at or above which two faces count as the same person (verify, compare). */
  pairThreshold: z.number().gt(-1).lt(1),
  /** Identify thresholds by gallery size, when measured; without one a gallery needs an explicit identify threshold. */
  identifyCalibration: calibrationSchema.optional(),
});

/** A manifest after validation. */
export type ModelManifest = z.infer<typeof modelManifestSchema>;

/** Result of checking a manifest's JSON: the manifest, or every problem as "path: message". */
export type ManifestCheck = { ok: true; manifest: ModelManifest } | { ok: false; problems: string[] };

/** Validates parsed JSON against the manifest schema. */
export function checkModelManifest(json: unknown): ManifestCheck {
  const result = modelManifestSchema.safeParse(json);
  if (result.success) return { ok: true, manifest: result.data };
  return {
    ok: false,
    problems: result.error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(manifest)'}: ${issue.message}`),
  };
}
