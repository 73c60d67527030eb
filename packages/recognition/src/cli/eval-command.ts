import { readFile, mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { CHIP_LANDMARKS, DEFAULT_MODEL_ID, type ChipLandmarks } from '../config.js';
import { lfwImagePath, parseLfwPairs, type LfwPair } from '../lfw.js';
import {
  evaluateVerification,
  rocCsv,
  rocSvg,
  type ScoredPair,
  type VerificationReport,
} from '../metrics.js';
import { cosineSimilarity } from '../models/embedder.js';
import { getModelInfo } from '../models/registry.js';
import type { BackendName } from '../runtime/backend.js';
import { crossValidateHead } from '../training/cross-validate.js';
import { applyProjectionHead, headFromFile } from '../training/projection-head.js';
import { embedImages, labelledSamples } from './embedding-cache.js';
import { registerIdentifyCommand } from './identify-command.js';
import { backendOption, err, listImages, modelsDirOption, out, positiveInt, round, runSafely, useModelsDir } from './shared.js';

interface EvalOptions {
  pairs: string;
  images: string;
  model?: string;
  mirror: boolean;
  workers: number;
  out?: string;
  head?: string;
  headCv?: boolean;
  json?: boolean;
  backend: BackendName;
  chipLandmarks: ChipLandmarks;
  chipJitter: number;
  modelsDir?: string;
}

function formatReport(model: string, r: VerificationReport): string {
  const pct = (v: number): string => `${(v * 100).toFixed(2)}%`;
  return [
    `model ${model}`,
    `  accuracy   ${pct(r.accuracy)} +- ${pct(r.accuracyStd)} (folds: ${r.foldAccuracy.map(pct).join(', ')})`,
    `  threshold  ${r.threshold.toFixed(4)} (mean over folds)`,
    `  ROC AUC    ${r.auc.toFixed(5)}   EER ${pct(r.eer)}`,
    `  TAR@FAR    1e-2: ${pct(r.tarAtFar['1e-2'])}   1e-3: ${pct(r.tarAtFar['1e-3'])}`,
    `  pairs      ${r.pairs} (${r.failures} unscored, counted as errors)`,
  ].join('\n');
}

/** Reports for `--head FILE` and `--head-cv`, keyed by the row name they appear under. */
async function evaluateHeads(
  o: EvalOptions,
  pairs: readonly LfwPair[],
  model: string,
  vectors: Map<string, Float32Array | null>,
): Promise<Record<string, VerificationReport>> {
  const reports: Record<string, VerificationReport> = {};
  const vectorOf = (p: LfwPair['a']): Float32Array | null => vectors.get(lfwImagePath(o.images, p)) ?? null;
  if (o.head) {
    const head = headFromFile(JSON.parse(await readFile(o.head, 'utf8')));
    if (head.model !== model)
      throw new Error(
        `the head in ${o.head} was trained on ${head.model}; evaluate it with --model ${head.model}`,
      );
    const scored: ScoredPair[] = pairs.map((p) => {
      const [a, b] = [vectorOf(p.a), vectorOf(p.b)];
      return {
        fold: p.fold,
        same: p.same,
        score: a && b ? cosineSimilarity(applyProjectionHead(head, a), applyProjectionHead(head, b)) : null,
      };
    });
    reports[`${model}+head(${path.basename(o.head)})`] = evaluateVerification(scored);
  }
  if (o.headCv) {
    err('training one projection head per fold (never on the fold it is tested on)');
    const labelled = pairs.map((p) => ({
      fold: p.fold,
      same: p.same,
      labels: [p.a.name, p.b.name] as [string, string],
      a: vectorOf(p.a),
      b: vectorOf(p.b),
    }));
    const report = await crossValidateHead(
      labelled,
      labelledSamples(vectors),
      { backend: o.backend },
      (fold, accuracy) => err(`  fold ${fold + 1}: ${(accuracy * 100).toFixed(2)}%`),
    );
    reports[`${model}+head(cross-validated)`] = report;
  }
  return reports;
}

/** Adds `eval lfw` and `eval identify`. */
export function registerEvalCommand(program: Command, modelHelp: string): void {
  const evalCmd = program.command('eval').description('accuracy benchmarks');
  registerIdentifyCommand(evalCmd, modelHelp);
  evalCmd
    .command('lfw')
    .description('LFW verification with the official k-fold protocol (threshold chosen on the other folds)')
    .requiredOption('--pairs <file>', 'pairs file in the official LFW format')
    .requiredOption('--images <dir>', 'LFW images directory (Name/Name_0001.jpg)')
    .option(
      '--model <ids>',
      `${modelHelp}; a comma-separated list evaluates each and their z-score fusion in one pass`,
    )
    .option('--no-mirror', 'do not average with the mirrored face')
    .option('--workers <n>', 'worker threads', positiveInt, os.availableParallelism())
    .option('--out <dir>', 'write roc.csv, roc.svg, report.json and the embedding cache here')
    .addOption(
      new Option('--chip-landmarks <kind>', 'landmarks placing the dlib chip')
        .choices([...CHIP_LANDMARKS])
        .default('mesh-51'),
    )
    .option('--chip-jitter <n>', 'jittered copies of each chip averaged into its embedding (as dlib num_jitters)', positiveInt, 0)
    .option(
      '--head <file>',
      'also evaluate the first model through a projection head from `faceledger train head`',
    )
    .option(
      '--head-cv',
      'also train and evaluate a projection head per fold, on every person in --images outside that fold (embeds all of --images)',
    )
    .option('--json', 'print one JSON object')
    .addOption(modelsDirOption())
    .addOption(backendOption())
    .action(async (o: EvalOptions) =>
      runSafely(async () => {
        await useModelsDir(o.modelsDir);
        const models = (o.model ?? DEFAULT_MODEL_ID).split(',').map((m) => getModelInfo(m.trim()).id);
        const embedded = [...models];
        const pairs = parseLfwPairs(await readFile(o.pairs, 'utf8'));
        const pairFiles = [
          ...new Set(pairs.flatMap((p) => [lfwImagePath(o.images, p.a), lfwImagePath(o.images, p.b)])),
        ];
        const files = o.headCv
          ? [...new Set([...pairFiles, ...(await listImages(o.images, Number.MAX_SAFE_INTEGER))])]
          : pairFiles;
        err(
          `${pairs.length} pairs, ${pairFiles.length} images${o.headCv ? ` (${files.length} with the head's training images)` : ''}`,
        );
        const { vectors, imagesPerSecond } = await embedImages(
          files,
          embedded,
          { backend: o.backend, mirror: o.mirror, chipLandmarks: o.chipLandmarks, chipJitter: o.chipJitter },
          o.workers,
          o.out,
        );
        const reports: Record<string, VerificationReport & { noFace: number }> = {};
        for (const model of models) {
          const v = vectors.get(model) as Map<string, Float32Array | null>;
          const scored: ScoredPair[] = pairs.map((p) => {
            const ea = v.get(lfwImagePath(o.images, p.a));
            const eb = v.get(lfwImagePath(o.images, p.b));
            return { fold: p.fold, same: p.same, score: ea && eb ? cosineSimilarity(ea, eb) : null };
          });
          const noFace = pairFiles.filter((f) => !v.get(f)).length;
          reports[model] = { ...evaluateVerification(scored), noFace };
        }
        const base = models[0] as string;
        const headReports = await evaluateHeads(
          o,
          pairs,
          base,
          vectors.get(base) as Map<string, Float32Array | null>,
        );
        for (const [id, report] of Object.entries(headReports))
          reports[id] = { ...report, noFace: (reports[base] as { noFace: number }).noFace };
        if (models.length > 1) {
          const perModel = models.map((model) => {
            const v = vectors.get(model) as Map<string, Float32Array | null>;
            return pairs.map((p) => {
              const ea = v.get(lfwImagePath(o.images, p.a));
              const eb = v.get(lfwImagePath(o.images, p.b));
              return ea && eb ? cosineSimilarity(ea, eb) : null;
            });
          });
          const stats = perModel.map((scores) => {
            const valid = scores.filter((x): x is number => x !== null);
            const mean = valid.reduce((a, b) => a + b, 0) / Math.max(1, valid.length);
            const std =
              Math.sqrt(valid.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, valid.length)) || 1;
            return { mean, std };
          });
          const fused: ScoredPair[] = pairs.map((p, i) => {
            let sum = 0;
            for (let k = 0; k < models.length; k++) {
              const score = (perModel[k] as (number | null)[])[i];
              if (score === null || score === undefined) return { fold: p.fold, same: p.same, score: null };
              const st = stats[k] as { mean: number; std: number };
              sum += (score - st.mean) / st.std;
            }
            return { fold: p.fold, same: p.same, score: sum / models.length };
          });
          const fusionId = `fusion(${models.join('+')})`;
          reports[fusionId] = {
            ...evaluateVerification(fused),
            noFace: Math.max(...models.map((m) => (reports[m] as { noFace: number }).noFace)),
          };
          models.push(fusionId);
        }
        models.push(...Object.keys(headReports));
        const summary = (model: string): Record<string, unknown> => {
          const r = reports[model] as VerificationReport & { noFace: number };
          return {
            accuracy: round(r.accuracy, 6),
            accuracyStd: round(r.accuracyStd, 6),
            auc: round(r.auc, 6),
            eer: round(r.eer, 6),
            tarAtFar: { '1e-2': round(r.tarAtFar['1e-2'], 6), '1e-3': round(r.tarAtFar['1e-3'], 6) },
            pairs: r.pairs,
            failures: r.failures,
            model,
            imagesPerSecond: round(imagesPerSecond, 2),
            threshold: round(r.threshold, 6),
            foldAccuracy: r.foldAccuracy.map((a) => round(a, 6)),
            imagesWithoutFace: r.noFace,
            mirror: o.mirror,
            chipLandmarks: o.chipLandmarks,
            chipJitter: o.chipJitter,
          };
        };
        if (o.out) {
          await mkdir(o.out, { recursive: true });
          const first = models[0] as string;
          const r = reports[first] as VerificationReport;
          const fileId = (id: string): string => id.replace(/[^a-z0-9+-]+/gi, '_');
          await writeFile(path.join(o.out, 'roc.csv'), rocCsv(r.roc));
          await writeFile(
            path.join(o.out, 'roc.svg'),
            rocSvg(r.roc, `LFW ROC, ${first}, accuracy ${(r.accuracy * 100).toFixed(2)}%`),
          );
          for (const model of models.slice(1)) {
            const rm = reports[model] as VerificationReport;
            await writeFile(path.join(o.out, `roc-${fileId(model)}.csv`), rocCsv(rm.roc));
            await writeFile(
              path.join(o.out, `roc-${fileId(model)}.svg`),
              rocSvg(rm.roc, `LFW ROC, ${model}, accuracy ${(rm.accuracy * 100).toFixed(2)}%`),
            );
          }
          await writeFile(
            path.join(o.out, 'report.json'),
            JSON.stringify(Object.fromEntries(models.map((m) => [m, summary(m)])), null, 2) + '\n',
          );
        }
        if (o.json) {
          const first = summary(models[0] as string);
          out(JSON.stringify(models.length > 1 ? { ...first, others: models.slice(1).map(summary) } : first));
        } else {
          for (const model of models) out(formatReport(model, reports[model] as VerificationReport));
          out(
            imagesPerSecond > 0
              ? `embedding throughput ${imagesPerSecond.toFixed(1)} images/s`
              : 'all embeddings came from the cache',
          );
        }
      }),
    );
}
