import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { DEFAULT_MODEL_ID } from '../config.js';
import { parseLfwPairs } from '../lfw.js';
import { getModelInfo } from '../models/registry.js';
import type { BackendName } from '../runtime/backend.js';
import { DEFAULT_HEAD_TRAINING, headToFile, trainProjectionHead } from '../training/projection-head.js';
import { embedImages, labelledSamples } from './embedding-cache.js';
import { backendOption, err, listImages, out, positiveInt, runSafely } from './shared.js';

interface TrainOptions {
  images: string;
  excludePairs?: string[];
  model?: string;
  mirror: boolean;
  workers: number;
  cache?: string;
  out: string;
  steps: number;
  scale: number;
  regularization: number;
  learningRate: number;
  seed: number;
  json?: boolean;
  backend: BackendName;
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('must be a non-negative number');
  return n;
}

/** Adds `train head`. */
export function registerTrainCommand(program: Command, modelHelp: string): void {
  const train = program.command('train').description('train small models on top of the embedders');
  train
    .command('head')
    .description(
      'train a linear projection head with TensorFlow.js on a folder of photos, one sub-folder per person',
    )
    .requiredOption('--images <dir>', 'photos, one folder per person (Name/any.jpg)')
    .requiredOption('--out <file>', 'where to write the head (JSON)')
    .option(
      '--exclude-pairs <files...>',
      'leave out every person named in these LFW-format pairs files (the people you will test on)',
    )
    .option('--model <id>', modelHelp)
    .option('--no-mirror', 'do not average with the mirrored face')
    .option('--workers <n>', 'worker threads', positiveInt, os.availableParallelism())
    .option('--cache <dir>', 'embedding cache directory (shared with eval --out)')
    .option('--steps <n>', 'optimiser steps', positiveInt, DEFAULT_HEAD_TRAINING.steps)
    .option(
      '--scale <x>',
      'cosine scale of the contrastive softmax',
      positiveNumber,
      DEFAULT_HEAD_TRAINING.scale,
    )
    .option(
      '--regularization <x>',
      'weight of ||W - I||^2',
      positiveNumber,
      DEFAULT_HEAD_TRAINING.regularization,
    )
    .option('--learning-rate <x>', 'Adam learning rate', positiveNumber, DEFAULT_HEAD_TRAINING.learningRate)
    .option('--seed <n>', 'batch sampler seed', positiveInt, DEFAULT_HEAD_TRAINING.seed)
    .option('--json', 'print one JSON object')
    .addOption(backendOption())
    .action(async (o: TrainOptions) =>
      runSafely(async () => {
        const model = getModelInfo(o.model ?? DEFAULT_MODEL_ID).id;
        const excluded = new Set<string>();
        for (const file of o.excludePairs ?? [])
          for (const p of parseLfwPairs(await readFile(file, 'utf8'))) excluded.add(p.a.name).add(p.b.name);
        const files = (await listImages(o.images, Number.MAX_SAFE_INTEGER)).filter(
          (f) => !excluded.has(path.basename(path.dirname(f))),
        );
        if (files.length === 0)
          throw new Error(
            `No images to train on under ${o.images}${excluded.size ? ` once ${excluded.size} excluded people are left out` : ''}.`,
          );
        err(
          `${files.length} images of ${new Set(files.map((f) => path.dirname(f))).size} people${excluded.size ? ` (${excluded.size} people excluded)` : ''}`,
        );
        const { vectors } = await embedImages(
          files,
          [model],
          { backend: o.backend, mirror: o.mirror },
          o.workers,
          o.cache,
        );
        const head = await trainProjectionHead(
          labelledSamples(vectors.get(model) as Map<string, Float32Array | null>),
          {
            steps: o.steps,
            scale: o.scale,
            regularization: o.regularization,
            learningRate: o.learningRate,
            seed: o.seed,
            backend: o.backend,
            onProgress: (step, loss) => err(`  step ${step}/${o.steps}: loss ${loss.toFixed(4)}`),
          },
        );
        await mkdir(path.dirname(path.resolve(o.out)), { recursive: true });
        await writeFile(o.out, JSON.stringify(headToFile(head, model)) + '\n');
        const summary = {
          out: o.out,
          model,
          dims: head.dims,
          identities: head.trainedOn.identities,
          images: head.trainedOn.images,
          excludedPeople: excluded.size,
          steps: o.steps,
        };
        if (o.json) out(JSON.stringify(summary));
        else
          out(
            `head for ${model} trained on ${head.trainedOn.images} images of ${head.trainedOn.identities} people; written to ${o.out}`,
          );
      }),
    );
}
