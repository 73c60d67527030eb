import type { Command } from 'commander';
import { DEFAULT_MODEL_ID } from '../config.js';
import { cosineSimilarity } from '../models/embedder.js';
import { getModelInfo, SHIPPED_MODELS } from '../models/registry.js';
import type { BackendName } from '../runtime/backend.js';
import { pickSubjectFace } from '../subject-face.js';
import type { Face } from '../types.js';
import { registerBenchCommand } from './bench-command.js';
import { registerCalibrateCommand } from './calibrate-command.js';
import { registerEvalCommand } from './eval-command.js';
import { backendOption, openEngine, out, readImage, round, runSafely, type EngineOptions } from './shared.js';
import { registerTrainCommand } from './train-command.js';

function faceSummary(face: Face, index: number): Record<string, unknown> {
  return {
    index,
    box: {
      x: round(face.box.x, 1),
      y: round(face.box.y, 1),
      width: round(face.box.width, 1),
      height: round(face.box.height, 1),
    },
    score: round(face.score),
    landmarks: face.landmarks,
    pose: { yaw: round(face.pose.yaw, 1), pitch: round(face.pose.pitch, 1), roll: round(face.pose.roll, 1) },
    quality: { ...face.quality, score: round(face.quality.score) },
    spoof: face.spoof,
    ...(face.attributes ? { attributes: face.attributes } : {}),
  };
}

/** Adds detect, embed, compare, eval, train and bench to a commander program (the server's CLI can reuse them). */
export function registerRecognitionCommands(program: Command): Command {
  const modelHelp = `embedding model (${SHIPPED_MODELS.map((m) => m.id).join(', ')}, or an operator model of --models-dir; default ${DEFAULT_MODEL_ID})`;

  program
    .command('detect')
    .description('find faces in an image: boxes, landmarks, pose, quality, spoof scores')
    .argument('<image>', 'image file')
    .option('--json', 'print one JSON object')
    .addOption(backendOption())
    .action(async (image: string, o: { json?: boolean; backend: BackendName }) =>
      runSafely(async () => {
        const engine = await openEngine({ backend: o.backend, mirror: true }, 0);
        try {
          const r = await engine.analyze(await readImage(image), { embed: false, polygon: Boolean(o.json) });
          if (o.json) {
            out(
              JSON.stringify({
                width: r.width,
                height: r.height,
                faces: r.faces.map((f, i) => ({ ...faceSummary(f, i), polygon: f.polygon })),
              }),
            );
          } else {
            out(`${image}: ${r.width}x${r.height}, ${r.faces.length} face(s)`);
            r.faces.forEach((f, i) => {
              out(
                `  #${i} box ${Math.round(f.box.x)},${Math.round(f.box.y)} ${Math.round(f.box.width)}x${Math.round(f.box.height)} score ${f.score.toFixed(2)} ` +
                  `yaw ${f.pose.yaw.toFixed(0)} pitch ${f.pose.pitch.toFixed(0)} roll ${f.pose.roll.toFixed(0)} eyes ${f.quality.eyeDistance.toFixed(0)}px ` +
                  `quality ${f.quality.score.toFixed(2)}${f.quality.reasons.length ? ` (${f.quality.reasons.join(', ')})` : ''} antispoof ${f.spoof.antispoof?.toFixed(2) ?? '-'} liveness ${f.spoof.liveness?.toFixed(2) ?? '-'}`,
              );
            });
          }
        } finally {
          await engine.close();
        }
      }),
    );

  program
    .command('embed')
    .description('print the embedding of every face in an image')
    .argument('<image>', 'image file')
    .option('--model <id>', modelHelp)
    .option('--no-mirror', 'do not average with the mirrored face')
    .option('--json', 'print one JSON object')
    .addOption(backendOption())
    .action(async (image: string, o: EngineOptions & { json?: boolean }) =>
      runSafely(async () => {
        const engine = await openEngine(o, 0);
        try {
          const r = await engine.analyze(await readImage(image), { polygon: false });
          const faces = r.faces.map((f, i) => ({
            ...faceSummary(f, i),
            model: f.modelId,
            embedding: Array.from(f.embedding ?? [], (v) => round(v, 6)),
          }));
          if (o.json) out(JSON.stringify({ width: r.width, height: r.height, faces }));
          else {
            out(
              `${image}: ${r.faces.length} face(s), model ${r.faces[0]?.modelId ?? o.model ?? DEFAULT_MODEL_ID}`,
            );
            faces.forEach((f, i) => out(`  #${i} [${f.embedding.map((v) => v.toFixed(4)).join(', ')}]`));
          }
        } finally {
          await engine.close();
        }
      }),
    );

  program
    .command('compare')
    .description('cosine similarity between the main faces of two images')
    .argument('<imageA>', 'first image')
    .argument('<imageB>', 'second image')
    .option('--model <id>', modelHelp)
    .option('--no-mirror', 'do not average with the mirrored face')
    .option('--json', 'print one JSON object')
    .addOption(backendOption())
    .action(async (a: string, b: string, o: EngineOptions & { json?: boolean }) =>
      runSafely(async () => {
        const engine = await openEngine(o, 0, false);
        try {
          const [ra, rb] = [
            await engine.analyze(await readImage(a), { polygon: false }),
            await engine.analyze(await readImage(b), { polygon: false }),
          ];
          const fa = pickSubjectFace(ra);
          const fb = pickSubjectFace(rb);
          const info = getModelInfo(o.model ?? DEFAULT_MODEL_ID);
          if (!fa?.embedding || !fb?.embedding) {
            const missing = !fa ? a : b;
            if (o.json)
              out(
                JSON.stringify({
                  similarity: null,
                  samePerson: null,
                  threshold: info.threshold,
                  model: info.id,
                  error: 'NO_FACE',
                  image: missing,
                }),
              );
            else out(`no face found in ${missing}`);
            process.exitCode = 2;
            return;
          }
          const similarity = cosineSimilarity(fa.embedding, fb.embedding);
          const samePerson = similarity >= info.threshold;
          if (o.json)
            out(
              JSON.stringify({
                similarity: round(similarity, 6),
                samePerson,
                threshold: info.threshold,
                model: info.id,
              }),
            );
          else
            out(
              `similarity ${similarity.toFixed(4)} (threshold ${info.threshold}, model ${info.id}): ${samePerson ? 'same person' : 'different people'}`,
            );
        } finally {
          await engine.close();
        }
      }),
    );

  registerEvalCommand(program, modelHelp);
  registerCalibrateCommand(program, modelHelp);
  registerTrainCommand(program, modelHelp);

  registerBenchCommand(program, modelHelp);

  return program;
}
