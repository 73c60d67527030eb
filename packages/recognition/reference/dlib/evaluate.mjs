// LFW accuracy of dlib's reference pipeline against ours on the same pairs (issue 10 item 3). Not
// part of the product or its tests; run after dlib-chips (and optionally dlib-descriptors), from
// packages/recognition after a build:
//   node reference/dlib/evaluate.mjs --pairs P --images DIR --list > images.txt   (dlib-chips' input)
//   node reference/dlib/evaluate.mjs --pairs P --parts parts.txt --chips chips.bin \
//     [--descriptors descriptors.bin] [--ours embeddings-faceapi-resnet128-nomirror.json]
// Prints one line per variant: dlib's chips through our network (ONNX Runtime, the shipped weights)
// without and with the mirror average, and, when given, dlib's own descriptors of the same chips.
// Images where dlib's HOG detector found no face are unscored (counted as errors, as eval lfw does),
// or take our pipeline's embedding from an `eval lfw --out` cache given with --ours.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { mirrorCrop } from '../../dist/align.js';
import { parseLfwPairs, lfwImagePath } from '../../dist/lfw.js';
import { evaluateVerification } from '../../dist/metrics.js';
import { cosineSimilarity } from '../../dist/models/embedder.js';
import { getModelInfo } from '../../dist/models/registry.js';
import { loadFaceApiResnetOnnx } from '../../dist/onnx/faceapi-resnet-onnx.js';

const { values: o } = parseArgs({
  options: {
    pairs: { type: 'string' },
    images: { type: 'string' },
    list: { type: 'boolean' },
    parts: { type: 'string' },
    chips: { type: 'string' },
    descriptors: { type: 'string' },
    ours: { type: 'string' },
  },
});
if (o.list) {
  // every image of the pairs, once, named as eval lfw names them (its caches use these names)
  if (!o.pairs || !o.images) throw new Error('usage: evaluate.mjs --pairs FILE --images DIR --list');
  const files = new Set(
    parseLfwPairs(readFileSync(o.pairs, 'utf8')).flatMap((p) => [
      lfwImagePath(o.images, p.a),
      lfwImagePath(o.images, p.b),
    ]),
  );
  process.stdout.write([...files].join('\n') + '\n');
} else {
  await evaluate();
}

async function evaluate() {
  if (!o.pairs || !o.parts || !o.chips)
    throw new Error(
      'usage: evaluate.mjs --pairs FILE --parts parts.txt --chips chips.bin [--descriptors FILE] [--ours CACHE.json]',
    );
  const CHIP = 150 * 150 * 3;
  const lines = readFileSync(o.parts, 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.split(' '));
  const chips = readFileSync(o.chips);
  if (chips.length !== lines.length * CHIP)
    throw new Error(`${o.chips} holds ${chips.length / CHIP} chips for ${lines.length} lines`);
  const unit = (v) => {
    const n = Math.hypot(...v) || 1;
    return Float32Array.from(v, (x) => x / n);
  };
  const ours = o.ours ? JSON.parse(readFileSync(o.ours, 'utf8')) : {};
  const fromCache = (s) => {
    const b = Buffer.from(s, 'base64');
    return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  };

  const embedder = await loadFaceApiResnetOnnx(getModelInfo('faceapi-resnet128'), {
    executionProvider: 'cpu',
    intraOpThreads: 2,
  });
  const variants = {
    'dlib chips, our network, no mirror': new Map(),
    'dlib chips, our network, mirror averaged': new Map(),
    "dlib chips, dlib's descriptors": new Map(),
  };
  const descriptors = o.descriptors ? readFileSync(o.descriptors) : null;
  let filled = 0;
  for (let i = 0; i < lines.length; i += 16) {
    const batch = [];
    for (let k = i; k < Math.min(lines.length, i + 16); k++) {
      const [file, status] = lines[k];
      if (status === 'NOFACE') {
        const fallback = ours[file] ? unit(fromCache(ours[file])) : null;
        if (fallback) filled++;
        for (const v of Object.values(variants)) v.set(file, fallback);
        continue;
      }
      const crop = Float32Array.from(chips.subarray(k * CHIP, (k + 1) * CHIP));
      batch.push({ file, crop });
      if (descriptors)
        variants["dlib chips, dlib's descriptors"].set(
          file,
          unit(
            new Float32Array(
              descriptors.buffer.slice(
                descriptors.byteOffset + k * 512,
                descriptors.byteOffset + (k + 1) * 512,
              ),
            ),
          ),
        );
    }
    const vectors = await embedder.embed(batch.flatMap((b) => [b.crop, mirrorCrop(b.crop, 150)]));
    batch.forEach((b, j) => {
      const plain = unit(vectors[2 * j]);
      const mirrored = unit(vectors[2 * j + 1]);
      variants['dlib chips, our network, no mirror'].set(b.file, plain);
      variants['dlib chips, our network, mirror averaged'].set(
        b.file,
        unit(plain.map((x, q) => x + mirrored[q])),
      );
    });
  }
  embedder.dispose();
  const imagesDir = (file) => file.split('/').slice(0, -2).join('/');
  const dir = imagesDir(lines[0][0]);
  const pairs = parseLfwPairs(readFileSync(o.pairs, 'utf8'));
  const noFace = lines.filter((l) => l[1] === 'NOFACE').length;
  console.log(
    `${lines.length} images, ${noFace} without a HOG detection (${filled} of them take our pipeline's embedding)`,
  );
  for (const [name, vectors] of Object.entries(variants)) {
    if (vectors.size === 0 || (name.includes('descriptors') && !descriptors)) continue;
    const scored = pairs.map((p) => {
      const a = vectors.get(lfwImagePath(dir, p.a));
      const b = vectors.get(lfwImagePath(dir, p.b));
      return { fold: p.fold, same: p.same, score: a && b ? cosineSimilarity(a, b) : null };
    });
    const r = evaluateVerification(scored);
    const pct = (x) => (100 * x).toFixed(2);
    console.log(
      `${name}: ${pct(r.accuracy)}% +- ${pct(r.accuracyStd)}, folds ${r.foldAccuracy.map(pct).join(' ')}, EER ${pct(r.eer)}%, unscored pairs ${r.failures}, threshold ${r.threshold.toFixed(4)}`,
    );
  }
}
