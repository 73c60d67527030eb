import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_MODEL_ID } from '../config.js';
import {
  calibrationPoints,
  calibrationTableSource,
  measureCalibration,
  SHIPPED_CALIBRATION_PLAN,
  type CalibrationPlan,
  type CalibrationRow,
} from '../identify/calibrate.js';
import { CALIBRATED_FPIR_TARGETS, type IdentifyCalibration } from '../identify/calibration.js';
import { buildGallery, searchProbes } from '../identify/open-set-eval.js';
import { evaluateOpenSet, FPIR_TARGETS } from '../identify/open-set-metrics.js';
import { buildOpenSetProtocol } from '../identify/protocol.js';
import { getModelInfo } from '../models/registry.js';
import type { BackendName } from '../runtime/backend.js';
import { embedImages } from './embedding-cache.js';
import { sizeList, summarise, type SizeSummary } from './identify-command.js';
import {
  backendOption,
  err,
  listImages,
  modelsDirOption,
  out,
  positiveInt,
  runSafely,
  useModelsDir,
} from './shared.js';

interface CalibrateOptions {
  images: string;
  model?: string;
  workers: number;
  cache?: string;
  out?: string;
  table?: string;
  label?: string;
  sizes: number[];
  draws: number;
  seed: number;
  json?: boolean;
  backend: BackendName;
  modelsDir?: string;
}

/** What `--out` holds per model: the raw draws the shipped points are read from. */
interface CalibrationFile {
  model: string;
  data: string;
  measured: string;
  enroll: 1;
  plan?: CalibrationPlan;
  /** The full dev gallery under the shipped rule (as `eval identify --enroll 1` reports it). */
  report?: SizeSummary;
  rows: CalibrationRow[];
}

const FILE_SUFFIX = '.identify.json';

function formatTable(c: CalibrationFile): string {
  const pct = (v: number | null | undefined): string => (v == null ? '-' : `${(v * 100).toFixed(2)}%`);
  const lines = [`model ${c.model}: identify thresholds (highest over the draws; median in brackets)`];
  lines.push('gallery'.padEnd(9) + CALIBRATED_FPIR_TARGETS.map((t) => `FPIR ${t}`.padEnd(20)).join(''));
  for (const r of c.rows)
    lines.push(
      `${r.size}`.padEnd(9) +
        CALIBRATED_FPIR_TARGETS.map((t) => {
          const s = r.thresholds[String(t)];
          return (s ? `${s.max.toFixed(4)} (${s.median.toFixed(4)})` : '-').padEnd(20);
        }).join(''),
    );
  if (c.report) {
    const r = c.report;
    lines.push(
      `full gallery ${r.gallery}: rank-1 ${pct(r.rank1)}, ` +
        FPIR_TARGETS.map((k) => `FNIR @ FPIR ${k} ${pct(r.fnir[k])}`).join(', ') +
        `; ${r.mated} mated, ${r.nonMated} non-mated, ${r.failures} photo(s) without a face`,
    );
  }
  return lines.join('\n');
}

/** Rewrites the shipped table (a calibration-data.ts) from every `<model>.identify.json` in `dir`. */
async function writeTable(dir: string, table: string): Promise<string[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith(FILE_SUFFIX)).sort();
  const calibrations: IdentifyCalibration[] = [];
  for (const f of files) {
    const c = JSON.parse(await readFile(path.join(dir, f), 'utf8')) as CalibrationFile;
    if (!c.data || !c.measured || !Array.isArray(c.rows))
      throw new Error(
        `${path.join(dir, f)} lacks data, measured or rows; regenerate it with calibrate identify`,
      );
    calibrations.push({
      model: c.model,
      data: c.data,
      measured: c.measured,
      points: calibrationPoints(c.rows),
    });
  }
  await writeFile(table, calibrationTableSource(calibrations));
  return calibrations.map((c) => c.model);
}

/** Adds `calibrate identify`: measures (and optionally ships) a model's identify calibration. */
export function registerCalibrateCommand(program: Command, modelHelp: string): void {
  const calibrate = program
    .command('calibrate')
    .description("measure a model's calibration (what the server derives its default thresholds from)");
  calibrate
    .command('identify')
    .description(
      "identify thresholds at FPIR 1e-2, 3e-3 and 1e-3 as a function of gallery size, under the server's scoring rule: " +
        'one photo enrolled per person with two or more, photo 2 probed, people with one photo as strangers; ' +
        'random galleries drawn per size (the people left out become strangers), the highest threshold over the draws kept',
    )
    .requiredOption(
      '--images <dir>',
      'one folder per person (LFW layout), e.g. ../shared/data/lfw/images (dev data)',
    )
    .option('--model <id>', modelHelp)
    .option('--workers <n>', 'worker threads for embedding', positiveInt, 1)
    .option('--cache <dir>', 'embedding cache (one file per model; the same as eval identify --cache)')
    .option(
      '--out <dir>',
      'write <model>.identify.json (every draw, the shipped points are read from it) here',
    )
    .option(
      '--table <file>',
      'rewrite this calibration-data.ts from every <model>.identify.json in --out (packages/recognition/src/identify/calibration-data.ts ships)',
    )
    .option(
      '--label <text>',
      'what the data is, stored with the calibration (default: the --images folder and counts)',
    )
    .option('--sizes <n,...>', 'gallery sizes to draw', sizeList, [...SHIPPED_CALIBRATION_PLAN.sizes])
    .option('--draws <n>', 'random galleries per size', positiveInt, SHIPPED_CALIBRATION_PLAN.draws)
    .option('--seed <n>', 'seed of the draws', positiveInt, SHIPPED_CALIBRATION_PLAN.seed)
    .option('--json', 'print one JSON object')
    .addOption(modelsDirOption())
    .addOption(backendOption())
    .action(async (o: CalibrateOptions) =>
      runSafely(async () => {
        await useModelsDir(o.modelsDir);
        const model = getModelInfo(o.model ?? DEFAULT_MODEL_ID).id;
        if (o.table && !o.out)
          throw new Error('--table needs --out (the folder of <model>.identify.json files)');
        if (o.draws < 1) throw new Error('--draws must be at least 1');
        const images = await listImages(path.resolve(o.images), Number.MAX_SAFE_INTEGER);
        const protocol = buildOpenSetProtocol(images, [], 1);
        if (protocol.enrolled.size === 0 || protocol.nonMated.length === 0)
          throw new Error(
            `${o.images} needs people with two or more photos (enrolled) and people with exactly one (strangers)`,
          );
        const used = [
          ...[...protocol.enrolled.values()].flat(),
          ...protocol.mated.map((p) => p.file),
          ...protocol.nonMated.map((p) => p.file),
        ];
        err(
          `${protocol.enrolled.size} people enrolled with 1 photo, ${protocol.nonMated.length} strangers; ${used.length} images`,
        );
        // Mirror on, as the server embeds (config.embedding.mirror defaults to true).
        const { vectors } = await embedImages(
          used,
          [model],
          { backend: o.backend, mirror: true },
          o.workers,
          o.cache,
        );
        const embeddings = vectors.get(model) as Map<string, Float32Array | null>;
        const embeddingOf = (file: string): Float32Array | null => embeddings.get(file) ?? null;

        const all = protocol.enrolled.size;
        const gallery = buildGallery(protocol, all, embeddingOf);
        err(
          `searching ${protocol.mated.length + protocol.nonMated.length} probes in the full gallery of ${all}`,
        );
        const report = summarise(
          all,
          evaluateOpenSet(searchProbes(protocol, gallery, embeddingOf)),
          gallery.enrollFailures,
        );
        const plan: CalibrationPlan = { sizes: o.sizes, draws: o.draws, seed: o.seed };
        const rows = measureCalibration(protocol, embeddingOf, plan, (row) =>
          err(
            `size ${row.size}: ${row.draws} draw(s), FPIR 1e-2 max ${row.thresholds['0.01']?.max.toFixed(4)}`,
          ),
        );
        const result: CalibrationFile = {
          model,
          data:
            o.label ??
            `${path.basename(path.resolve(o.images))}: 1 photo enrolled per identity, ${protocol.nonMated.length}+ never-enrolled strangers`,
          measured: new Date().toISOString().slice(0, 10),
          enroll: 1,
          plan,
          report,
          rows,
        };
        if (o.out) {
          await mkdir(o.out, { recursive: true });
          const file = path.join(o.out, `${model}${FILE_SUFFIX}`);
          await writeFile(file, JSON.stringify(result, null, 2) + '\n');
          err(`wrote ${file}`);
          if (o.table) err(`wrote ${o.table} (${(await writeTable(o.out, o.table)).join(', ')})`);
        }
        // identifyCalibration is what an operator model's manifest takes (src/models/model-manifest.ts).
        const identifyCalibration = {
          data: result.data,
          measured: result.measured,
          points: calibrationPoints(rows),
        };
        if (o.json) out(JSON.stringify({ ...result, identifyCalibration }));
        else out(formatTable(result));
      }),
    );
}
