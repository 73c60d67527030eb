// Measures the largestIfClear rule on real photos: every Nth LFW image (sorted paths) and every
// deepface photo are detected (no embeddings); for those with several faces it prints the area ratio
// of the largest face to the next, whether the largest is the photo's subject (LFW crops centre the
// named person: box centre within 35 px of the middle), and how many each ratio limit would enroll
// and get wrong. Run after a build: node apps/server/dist/modules/enrollment/largest-face.measure.js [N=12]
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { createEngine } from '@faceledger/recognition';
import { MAX_IMAGE_PIXELS } from '../../shared/image-limits.js';

const DATA =
  process.env.FACELEDGER_TEST_DATA ?? path.resolve(import.meta.dirname, '../../../../../../shared/data');
const every = Number(process.argv[2] ?? 12);
const out = (line: string): void => void process.stdout.write(`${line}\n`);

async function lfwSample(): Promise<string[]> {
  const root = path.join(DATA, 'lfw/images');
  const files: string[] = [];
  for (const person of (await readdir(root)).sort()) {
    for (const file of (await readdir(path.join(root, person))).sort())
      files.push(path.join(root, person, file));
  }
  return files.filter((_file, i) => (i + 1) % every === 0);
}

const engine = await createEngine({
  runtime: { backend: 'wasm', workers: 1 },
  limits: { maxPixels: MAX_IMAGE_PIXELS },
});
const deepface = (await readdir(path.join(DATA, 'deepface')))
  .filter((f) => f.endsWith('.jpg'))
  .map((f) => path.join(DATA, 'deepface', f));
const rows: Array<{ file: string; faces: number; ratio: number; largestIsSubject: boolean | null }> = [];
for (const file of [...(await lfwSample()), ...deepface]) {
  const { faces, width, height } = await engine.analyze(await readFile(file), {
    embed: false,
    polygon: false,
  });
  const [first, second] = faces;
  if (!first || !second) continue;
  const isLfw = file.includes(`${path.sep}lfw${path.sep}`);
  const centre = { x: first.box.x + first.box.width / 2, y: first.box.y + first.box.height / 2 };
  const largestIsSubject = isLfw
    ? Math.abs(centre.x - width / 2) < 35 && Math.abs(centre.y - height / 2) < 35
    : null;
  const ratio = (first.box.width * first.box.height) / (second.box.width * second.box.height);
  rows.push({ file: path.relative(DATA, file), faces: faces.length, ratio, largestIsSubject });
}
await engine.close();
for (const row of rows.sort((a, b) => a.ratio - b.ratio)) {
  out(`${row.ratio.toFixed(2)}\t${row.faces} faces\t${row.largestIsSubject ?? 'unlabelled'}\t${row.file}`);
}
const lfw = rows.filter((r) => r.largestIsSubject !== null);
for (const limit of [1.5, 2, 2.5, 3]) {
  const taken = lfw.filter((r) => r.ratio >= limit);
  out(
    `ratio >= ${limit}: enrolls ${taken.length} of ${lfw.length} LFW photos with several faces, ${taken.filter((r) => !r.largestIsSubject).length} not the subject; deepface: ${rows.filter((r) => r.largestIsSubject === null && r.ratio >= limit).length} enrolled`,
  );
}
