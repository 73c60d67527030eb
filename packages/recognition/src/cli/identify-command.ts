import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { DEFAULT_MODEL_ID } from '../config.js';
import { averageEmbeddings, JITTER_CROPS, writeJittered } from '../identify/jitter.js';
import { buildGallery, searchProbes } from '../identify/open-set-eval.js';
import { detSvg, evaluateOpenSet, FPIR_TARGETS, type OpenSetReport } from '../identify/open-set-metrics.js';
import { buildOpenSetProtocol, type OpenSetProtocol } from '../identify/protocol.js';
import { bestFaceRankOne, compareVariants, type VariantRow } from '../identify/variants.js';
import { getModelInfo } from '../models/registry.js';
import type { BackendName } from '../runtime/backend.js';
import { embedImages } from './embedding-cache.js';
import { backendOption, err, listImages, modelsDirOption, out, positiveInt, round, runSafely, useModelsDir } from './shared.js';

interface IdentifyOptions {
  images: string;
  distractors?: string;
  enroll: number;
  gallerySizes?: number[];
  model?: string;
  workers: number;
  out?: string;
  cache?: string;
  json?: boolean;
  variants?: boolean;
  jitter: number;
  backend: BackendName;
  modelsDir?: string;
}

export function sizeList(value: string): number[] {
  const sizes = value.split(',').map((s) => Number(s.trim()));
  if (sizes.some((n) => !Number.isInteger(n) || n < 1))
    throw new InvalidArgumentError('must be whole numbers above 0 separated by commas, such as 1000,5000');
  return [...new Set(sizes)].sort((a, b) => a - b);
}

/** One gallery size in the JSON report. */
export interface SizeSummary {
  gallery: number;
  rank1: number;
  fnir: Record<string, number | null>;
  thresholds: Record<string, number | null>;
  mated: number;
  nonMated: number;
  failures: number;
  probeFailures: number;
  enrollFailures: number;
}

export function summarise(gallery: number, r: OpenSetReport, enrollFailures: number): SizeSummary {
  const rounded = (rec: Record<string, number | null>): Record<string, number | null> =>
    Object.fromEntries(Object.entries(rec).map(([k, v]) => [k, v === null ? null : round(v, 6)]));
  return {
    gallery,
    rank1: round(r.rank1, 6),
    fnir: rounded(r.fnir),
    thresholds: rounded(r.thresholds),
    mated: r.mated,
    nonMated: r.nonMated,
    failures: r.failures + enrollFailures,
    probeFailures: r.failures,
    enrollFailures,
  };
}

function formatSize(s: SizeSummary): string {
  const pct = (v: number | null): string => (v === null ? '-' : `${(v * 100).toFixed(2)}%`);
  const t = (v: number | null): string => (v === null ? '-' : v.toFixed(4));
  return [
    `gallery ${s.gallery}`,
    `  rank-1     ${pct(s.rank1)}`,
    ...FPIR_TARGETS.map(
      (k) =>
        `  FNIR @ FPIR ${k.padEnd(4)} ${pct(s.fnir[k] ?? null).padStart(7)}  (threshold ${t(s.thresholds[k] ?? null)})`,
    ),
    `  probes     ${s.mated} mated, ${s.nonMated} non-mated; ${s.probeFailures} probe(s) and ${s.enrollFailures} enrolled photo(s) without a face`,
  ].join('\n');
}

function formatVariants(rows: readonly VariantRow[]): string {
  const pct = (v: number | null): string => (v === null ? '     -' : `${(v * 100).toFixed(2)}%`.padStart(6));
  return [
    'variant'.padEnd(72) + 'rank-1   FNIR@1e-2 FNIR@3e-3 FNIR@1e-3',
    ...rows.map(
      (r) =>
        `${r.name.padEnd(72)}${pct(r.rank1)}   ${pct(r.fnir['1e-2'])}    ${pct(r.fnir['3e-3'])}    ${pct(r.fnir['1e-3'])}`,
    ),
  ].join('\n');
}

/** Adds `eval identify` below `eval`. */
export function registerIdentifyCommand(evalCmd: Command, modelHelp: string): void {
  evalCmd
    .command('identify')
    .description(
      "open-set 1:N identification (ISO/IEC 19795-1 as NIST FRTE 1:N reports it) with the scoring rule of the server's identify",
    )
    .requiredOption(
      '--images <dir>',
      'one folder per person (LFW layout); people with K+1 photos are mated, with one photo strangers',
    )
    .option(
      '--distractors <dir>',
      'one folder per person; the first photo of each (not in --images) grows the gallery',
    )
    .option(
      '--enroll <k>',
      'photos enrolled per person (the first K by file name); photo K+1 is the probe',
      positiveInt,
      1,
    )
    .option(
      '--gallery-sizes <n,...>',
      'gallery sizes to report (default: every person enrolled from --images, plus every distractor)',
      sizeList,
    )
    .option('--model <id>', modelHelp)
    .option('--workers <n>', 'worker threads', positiveInt, os.availableParallelism())
    .option('--out <dir>', 'write det.svg, report.json and the embedding cache here')
    .option('--cache <dir>', 'keep the embedding cache here instead of --out (one file per model)')
    .option(
      '--jitter <n>',
      'average each embedding with n jittered crops of the image (at most 4; the copies are kept beside the cache)',
      positiveInt,
      0,
    )
    .option(
      '--variants',
      'also measure the scoring variants tried (normalisations, aggregations) at the largest size and draw the rule before (best face) in det.svg',
    )
    .option('--json', 'print one JSON object')
    .addOption(modelsDirOption())
    .addOption(backendOption())
    .action(async (o: IdentifyOptions) =>
      runSafely(async () => {
        await useModelsDir(o.modelsDir);
        const model = getModelInfo(o.model ?? DEFAULT_MODEL_ID).id;
        if (o.enroll < 1) throw new Error('--enroll must be at least 1');
        if (o.jitter > JITTER_CROPS.length) throw new Error(`--jitter can be at most ${JITTER_CROPS.length}`);
        const images = await listImages(path.resolve(o.images), Number.MAX_SAFE_INTEGER);
        const distractorImages = o.distractors
          ? await listImages(path.resolve(o.distractors), Number.MAX_SAFE_INTEGER)
          : [];
        const protocol: OpenSetProtocol = buildOpenSetProtocol(images, distractorImages, o.enroll);
        if (protocol.enrolled.size === 0)
          throw new Error(
            `no person in ${o.images} has ${o.enroll + 1} or more photos; lower --enroll or add photos`,
          );
        const base = protocol.enrolled.size;
        const sizes = o.gallerySizes ?? [base + protocol.distractors.length];
        const used = new Set<string>([
          ...[...protocol.enrolled.values()].flat(),
          ...protocol.mated.map((p) => p.file),
          ...protocol.nonMated.map((p) => p.file),
          ...protocol.distractors.slice(0, Math.max(...sizes) - base).map((d) => d.file),
        ]);
        err(
          `${base} people enrolled with ${o.enroll} photo(s), ${protocol.mated.length} mated and ${protocol.nonMated.length} non-mated probes, ` +
            `${protocol.distractors.length} distractor people; ${used.size} images`,
        );
        const cacheDir = o.cache ?? o.out;
        const jittered = new Map<string, string[]>();
        if (o.jitter > 0) {
          const jitterDir = cacheDir ?? (await mkdtemp(path.join(os.tmpdir(), 'faceledger-jitter-')));
          err(`writing ${o.jitter} jittered copies of ${used.size} images below ${jitterDir}`);
          for (const file of used) {
            const copies: string[] = [];
            for (let k = 1; k <= o.jitter; k++) copies.push(await writeJittered(jitterDir, file, k));
            jittered.set(file, copies);
          }
        }
        const { vectors } = await embedImages(
          [...used, ...[...jittered.values()].flat()],
          [model],
          { backend: o.backend, mirror: true },
          o.workers,
          cacheDir,
        );
        const embeddings = vectors.get(model) as Map<string, Float32Array | null>;
        const averaged = new Map<string, Float32Array | null>();
        const embeddingOf = (file: string): Float32Array | null => {
          if (o.jitter === 0) return embeddings.get(file) ?? null;
          if (!averaged.has(file))
            averaged.set(
              file,
              averageEmbeddings([file, ...(jittered.get(file) ?? [])].map((f) => embeddings.get(f) ?? null)),
            );
          return averaged.get(file) ?? null;
        };

        const summaries: SizeSummary[] = [];
        const curves = [];
        let variants: VariantRow[] | null = null;
        for (const size of sizes) {
          const gallery = buildGallery(protocol, size, embeddingOf);
          err(`searching ${protocol.mated.length + protocol.nonMated.length} probes in a gallery of ${size}`);
          const report = evaluateOpenSet(searchProbes(protocol, gallery, embeddingOf));
          summaries.push(summarise(size, report, gallery.enrollFailures));
          curves.push({ label: `gallery ${size}, shipped rule`, points: report.det });
          if (o.variants && size === sizes[sizes.length - 1]) {
            err('measuring the scoring variants');
            variants = compareVariants(protocol, gallery, embeddingOf);
            curves.push({
              label: `gallery ${size}, best face raw cosine (before)`,
              points: evaluateOpenSet(searchProbes(protocol, gallery, embeddingOf, bestFaceRankOne)).det,
            });
          }
        }
        const result = {
          model,
          enroll: o.enroll,
          ...(o.jitter > 0 ? { jitter: o.jitter } : {}),
          sizes: summaries,
        };
        if (o.out) {
          await mkdir(o.out, { recursive: true });
          await writeFile(
            path.join(o.out, 'det.svg'),
            detSvg(curves, `Open-set 1:N DET, ${model}, ${o.enroll} photo(s) enrolled`),
          );
          await writeFile(
            path.join(o.out, 'report.json'),
            JSON.stringify({ ...result, ...(variants ? { variants } : {}) }, null, 2) + '\n',
          );
        }
        if (o.json) out(JSON.stringify(result));
        else {
          out(
            `model ${model}, ${o.enroll} photo(s) enrolled per person${o.jitter > 0 ? `, ${o.jitter} jittered crop(s) averaged` : ''}`,
          );
          for (const s of summaries) out(formatSize(s));
          if (variants) out(formatVariants(variants));
        }
        if (o.json && variants) err(formatVariants(variants));
      }),
    );
}
