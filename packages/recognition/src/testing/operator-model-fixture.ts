// Test helper (exported as @faceledger/recognition/testing): writes an operator model into a models
// directory, as an operator would, from a small ONNX network generated in-process (never downloaded).
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildTestEmbedderModel } from '../onnx/onnx-graph.js';

/** What to write; the defaults give a valid 112 px NCHW, 32-d model. */
export interface OperatorModelFixture {
  /** Model id (also the file names: <id>.json and <id>.onnx). */
  id: string;
  /** Side of the input the manifest promises (default 112). */
  inputSize?: number;
  /** Side of the input the generated network really takes (default inputSize): another value makes an input shape mismatch. */
  networkInputSize?: number;
  /** Layout the manifest promises and the network takes (default NCHW). */
  layout?: 'NCHW' | 'NHWC';
  /** Embedding length (default 32). */
  dims?: number;
  /** Weights seed (default 1). */
  seed?: number;
  /** Skip writing the ONNX file (a missing file). */
  omitFile?: boolean;
  /** Put this checksum in the manifest instead of the file's (a checksum mismatch). */
  sha256?: string;
  /** Fields replacing or adding to the manifest's (undefined removes one). */
  manifest?: Record<string, unknown>;
}

/** Writes <dir>/<id>.onnx and <dir>/<id>.json; returns their paths and the file's SHA-256. */
export async function writeOperatorModel(dir: string, fixture: OperatorModelFixture): Promise<{ manifest: string; file: string; sha256: string }> {
  const inputSize = fixture.inputSize ?? 112;
  const layout = fixture.layout ?? 'NCHW';
  const dims = fixture.dims ?? 32;
  const bytes = buildTestEmbedderModel({ inputSize: fixture.networkInputSize ?? inputSize, dims, layout, seed: fixture.seed ?? 1 });
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${fixture.id}.onnx`);
  if (!fixture.omitFile) await writeFile(file, bytes);
  const manifest: Record<string, unknown> = {
    id: fixture.id,
    version: 'test-1',
    file: `${fixture.id}.onnx`,
    sha256: fixture.sha256 ?? sha256,
    input: { size: inputSize, layout, colourOrder: 'RGB', mean: [127.5, 127.5, 127.5], std: [128, 128, 128] },
    alignment: 'arcface',
    outputDims: dims,
    licence: 'Generated in-process by the FaceLedger tests; no rights reserved.',
    pairThreshold: 0.5,
  };
  for (const [key, value] of Object.entries(fixture.manifest ?? {})) {
    if (value === undefined) delete manifest[key];
    else manifest[key] = value;
  }
  const manifestPath = path.join(dir, `${fixture.id}.json`);
  await writeFile(manifestPath, JSON.stringify(manifest, null, 2));
  return { manifest: manifestPath, file, sha256 };
}
