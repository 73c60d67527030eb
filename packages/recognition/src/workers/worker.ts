import { parentPort, workerData } from 'node:worker_threads';
import { isRecognitionError } from '../errors.js';
import { registerOperatorModels } from '../models/registry.js';
import { Pipeline } from '../pipeline.js';
import type { FromWorker, ToWorker, WireError, WorkerInit } from './protocol.js';

/** Worker entry: one backend + pipeline per thread, one image at a time. */
function toWire(error: unknown): WireError {
  if (isRecognitionError(error)) return { name: error.name, message: error.message, code: error.code, details: error.details };
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

const port = parentPort;
if (!port) throw new Error('worker.js must run inside a worker thread');
const send = (msg: FromWorker): void => port.postMessage(msg);
const init = workerData as WorkerInit;

let pipeline: Pipeline | undefined;
try {
  registerOperatorModels(init.operatorModels);
  pipeline = await Pipeline.create(init.config);
  // Every operator model loads before the worker takes images: no request pays for it, and one that fails is reported now.
  const preload = await pipeline.preloadOperatorModels();
  send({ type: 'ready', backend: pipeline.backend, models: preload.loaded, failedModels: preload.failed });
} catch (error) {
  send({ type: 'init-error', error: toWire(error) });
}

port.on('message', (msg: ToWorker) => {
  void (async () => {
    if (msg.type === 'close') {
      await pipeline?.dispose();
      send({ type: 'closed' });
      port.close();
      return;
    }
    if (!pipeline) return;
    if (msg.type === 'tensors') {
      send({ type: 'tensors', id: msg.id, count: pipeline.numTensors() });
      return;
    }
    try {
      const result = await pipeline.analyze(msg.bytes, msg.options);
      send({ type: 'result', id: msg.id, result });
    } catch (error) {
      send({ type: 'error', id: msg.id, error: toWire(error) });
    }
  })();
});
