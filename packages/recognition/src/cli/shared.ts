import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidArgumentError, Option } from 'commander';
import { DEFAULT_MODEL_ID, type ChipLandmarks } from '../config.js';
import { createEngine, useOperatorModels, type Engine } from '../engine.js';
import { isRecognitionError } from '../errors.js';
import type { BackendName } from '../runtime/backend.js';

export const out = (text: string): void => void process.stdout.write(text + '\n');
export const err = (text: string): void => void process.stderr.write(text + '\n');

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a non-negative integer');
  return n;
}

/** Options shared by every command that creates an engine. */
export interface EngineOptions {
  backend: BackendName;
  workers?: number;
  model?: string;
  mirror: boolean;
  chipLandmarks?: ChipLandmarks;
  chipJitter?: number;
}

export function backendOption(): Option {
  return new Option('--backend <name>', 'TensorFlow.js backend')
    .choices(['wasm', 'tensorflow', 'cpu'])
    .default('wasm');
}

export async function openEngine(o: EngineOptions, workers: number, spoof = true): Promise<Engine> {
  return createEngine({
    runtime: { backend: o.backend, workers },
    embedding: {
      model: o.model ?? DEFAULT_MODEL_ID,
      mirror: o.mirror,
      ...(o.chipLandmarks ? { chipLandmarks: o.chipLandmarks } : {}),
      ...(o.chipJitter ? { chipJitter: o.chipJitter } : {}),
    },
    spoof: { enabled: spoof },
  });
}

/** --models-dir: a folder of operator models (one JSON manifest per model beside its ONNX file). */
export function modelsDirOption(): Option {
  return new Option('--models-dir <dir>', 'folder of operator models (a JSON manifest per model beside its ONNX file); their ids work with --model');
}

/**
 * Checks the operator models of --models-dir and registers the accepted ones (engines made after
 * this, and their workers, run them); prints each refusal. A directory that cannot be read is an error.
 */
export async function useModelsDir(dir: string | undefined): Promise<void> {
  if (dir === undefined) return;
  const load = await useOperatorModels(dir);
  if (load.error) throw new Error(load.error);
  for (const r of load.reports) {
    if (r.state === 'REFUSED') err(`operator model ${r.id} refused (${r.reason}): ${r.message}`);
    else err(`operator model ${r.id} registered from ${r.manifest}`);
  }
}

export function round(v: number, digits = 4): number {
  const k = 10 ** digits;
  return Math.round(v * k) / k;
}

export async function readImage(file: string): Promise<Uint8Array> {
  try {
    return await readFile(file);
  } catch {
    throw new Error(`Cannot read ${file}; check the path.`);
  }
}

export async function runSafely(action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (error) {
    if (isRecognitionError(error)) err(`error ${error.code}: ${error.message}`);
    else err(`error: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}

export function defaultDataDir(): string {
  return (
    process.env.FACELEDGER_TEST_DATA ??
    path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..', '../shared/data')
  );
}

export async function listImages(dir: string, limit: number): Promise<string[]> {
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

export function median(values: number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}
