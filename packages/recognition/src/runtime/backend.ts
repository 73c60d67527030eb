import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { RecognitionError, RecognitionErrorCode } from '../errors.js';
import { moduleLogger } from '../logger.js';
import { wasmDir } from './paths.js';

/** TensorFlow.js backends the engine can run on. */
export type BackendName = 'wasm' | 'tensorflow' | 'cpu';

const log = moduleLogger('backend');
let active: BackendName | undefined;
let requestedWasm = false;

/**
 * Initialises the TensorFlow.js backend once per thread and returns the one in use. `tensorflow` needs
 * @tensorflow/tfjs-node-gpu or @tensorflow/tfjs-node, which are optional and imported dynamically;
 * `wasm` falls back to `cpu` (with a warning) when WebAssembly cannot start.
 */
export async function initBackend(name: BackendName): Promise<BackendName> {
  if (active) {
    if (active !== name && !(requestedWasm && name === 'wasm')) throw new RecognitionError(RecognitionErrorCode.BACKEND_UNAVAILABLE, `This thread already runs the ${active} backend; create the engine with backend '${active}' or in a new process.`, { active, requested: name });
    return active;
  }
  if (name === 'tensorflow') {
    let loaded = false;
    for (const mod of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
      try {
        await import(mod);
        loaded = true;
        break;
      } catch (error) {
        log.debug({ mod, err: error }, 'native backend not importable');
      }
    }
    if (!loaded || !(await tf.setBackend('tensorflow'))) {
      throw new RecognitionError(
        RecognitionErrorCode.BACKEND_UNAVAILABLE,
        "Backend 'tensorflow' needs @tensorflow/tfjs-node-gpu (CUDA) or @tensorflow/tfjs-node, and neither can be imported. Install one of them (their install downloads libtensorflow, so it needs internet access) or use backend 'wasm'.",
        { backend: name },
      );
    }
  } else if (name === 'wasm') {
    setWasmPaths(wasmDir());
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    let ok = false;
    try {
      ok = await tf.setBackend('wasm');
    } catch (error) {
      log.warn({ err: error }, 'wasm backend failed');
    }
    if (!ok) {
      log.warn('wasm backend unavailable; falling back to the cpu backend (20-40x slower)');
      if (!(await tf.setBackend('cpu'))) throw new RecognitionError(RecognitionErrorCode.BACKEND_UNAVAILABLE, 'Neither the wasm nor the cpu backend could start; reinstall @tensorflow/tfjs-backend-wasm and @tensorflow/tfjs-backend-cpu.', { backend: name });
      name = 'cpu';
    }
    requestedWasm = true;
  } else {
    if (!(await tf.setBackend('cpu'))) throw new RecognitionError(RecognitionErrorCode.BACKEND_UNAVAILABLE, 'The cpu backend could not start; reinstall @tensorflow/tfjs-backend-cpu.', { backend: name });
  }
  await tf.ready();
  tf.enableProdMode();
  active = name;
  log.info({ backend: tf.getBackend() }, 'backend ready');
  return name;
}

/** The backend this thread runs, once initialised. */
export function activeBackend(): BackendName | undefined {
  return active;
}

export { tf };
