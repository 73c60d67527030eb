import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { Point2 } from '../align.js';
import { boxForPredictor, dlibChip5Transform } from '../dlib-chip.js';
import { applyAffine } from '../align.js';
import { dataPath } from '../../test/helpers.js';
import { dlibModelsDir } from '../runtime/paths.js';
import { greyOf, loadShapePredictor5, predictShape, readShapePredictor, readVerifiedShapePredictor, SHAPE_PREDICTOR_5, type PixelRect } from './dlib-shape-predictor.js';

async function lfwGrey(name: string) {
  const person = name.replace(/_\d{4}\.jpg$/, '');
  const { data, info } = await sharp(dataPath('lfw', 'images', person, name)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return greyOf({ data: new Uint8Array(data), width: info.width, height: info.height });
}

const distance = (a: Point2, b: Point2): number => Math.hypot(a[0] - b[0], a[1] - b[1]);

describe("dlib's 5-point shape predictor", () => {
  it('reads the shipped model: 15 cascade levels of 500 depth-4 trees over 800 pixels, five parts', async () => {
    const model = await loadShapePredictor5();
    expect(model.initialShape).toHaveLength(10);
    expect(model.forests).toHaveLength(15);
    for (const forest of model.forests) expect(forest).toHaveLength(500);
    expect(model.forests[0]?.[0]?.thresh).toHaveLength(15);
    expect(model.anchorIdx.every((a) => a.length === 800)).toBe(true);
  });

  it('refuses a file altered by one byte and a cut one, as MODEL_UNAVAILABLE or a stream error', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sp5-'));
    try {
      const file = path.join(dir, SHAPE_PREDICTOR_5.file);
      await copyFile(path.join(dlibModelsDir(), SHAPE_PREDICTOR_5.file), file);
      const original = await readFile(file);
      expect(() => readShapePredictor(original.subarray(0, 5000))).toThrow(/end of file/);
      const bytes = Buffer.from(original);
      bytes[1000] = (bytes[1000] as number) ^ 1;
      await writeFile(file, bytes);
      await expect(readVerifiedShapePredictor(file, SHAPE_PREDICTOR_5.sha256)).rejects.toMatchObject({ code: 'MODEL_UNAVAILABLE' });
      await expect(readVerifiedShapePredictor(path.join(dir, 'missing.dat'), SHAPE_PREDICTOR_5.sha256)).rejects.toMatchObject({ code: 'MODEL_UNAVAILABLE' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('finds the same eye corners and nose base on a real photo from boxes off by 8% in place and size', async () => {
    const model = await loadShapePredictor5();
    const grey = await lfwGrey('Colin_Powell_0001.jpg');
    // LFW centres the face: a box around the middle of the 250 px image, then shifted and scaled.
    const base: PixelRect = { left: 75, top: 80, right: 175, bottom: 180 };
    const boxes: PixelRect[] = [
      base,
      { left: 83, top: 72, right: 183, bottom: 172 },
      { left: 70, top: 75, right: 178, bottom: 183 },
      { left: 80, top: 85, right: 172, bottom: 177 },
    ];
    const shapes = boxes.map((box) => predictShape(model, grey, box));
    const reference = shapes[0] as Point2[];
    for (const shape of shapes.slice(1)) for (let i = 0; i < 5; i++) expect(distance(shape[i] as Point2, reference[i] as Point2)).toBeLessThan(3);
    const [leftOuter, leftInner, rightOuter, rightInner, nose] = reference as [Point2, Point2, Point2, Point2, Point2];
    // Subject's left eye is on the image's right; outer corners lie outside the inner ones; the nose base is below the eyes.
    expect(leftOuter[0]).toBeGreaterThan(leftInner[0]);
    expect(leftInner[0]).toBeGreaterThan(rightInner[0]);
    expect(rightInner[0]).toBeGreaterThan(rightOuter[0]);
    expect(nose[1]).toBeGreaterThan(Math.max(leftInner[1], rightInner[1]) + 15);
    // The box fitted to these landmarks starts the cascade where it ends: refitting moves nothing much.
    const refit = predictShape(model, grey, boxForPredictor(model, reference.map(([x, y]) => [x + 0.5, y + 0.5])));
    for (let i = 0; i < 5; i++) expect(distance(refit[i] as Point2, reference[i] as Point2)).toBeLessThan(2);
  });

  it("places dlib's chip: the parts' centre lands on the centre of get_face_chip_details' template", async () => {
    const model = await loadShapePredictor5();
    const grey = await lfwGrey('Colin_Powell_0001.jpg');
    const parts = predictShape(model, grey, { left: 75, top: 80, right: 175, bottom: 180 }).map(([x, y]) => [x + 0.5, y + 0.5] as Point2);
    const m = dlibChip5Transform(parts, 150, 0.25);
    const placed = parts.map((p) => applyAffine(m, p));
    const mean = (points: readonly Point2[], axis: 0 | 1): number => points.reduce((sum, p) => sum + p[axis], 0) / points.length;
    // The template's five x and y in the unit square, padding 0.25 on a 150 px chip, pixel centres at +0.5.
    const templateX = [0.8595674595992, 0.6460604764104, 0.1205750620789, 0.3340850613712, 0.4901123135679];
    const templateY = [0.2134981538014, 0.2289674387677, 0.2137274526848, 0.2290642403242, 0.6277975316475];
    const chip = (v: number): number => ((v + 0.25) * 150) / 1.5 + 0.5;
    expect(mean(placed, 0)).toBeCloseTo(templateX.reduce((a, v) => a + chip(v), 0) / 5, 6);
    expect(mean(placed, 1)).toBeCloseTo(templateY.reduce((a, v) => a + chip(v), 0) / 5, 6);
    // and the eyes come out level and on the template's sides (within 2 px).
    expect(Math.abs((placed[0] as Point2)[0] - chip(templateX[0] as number))).toBeLessThan(2);
    expect(Math.abs((placed[2] as Point2)[0] - chip(templateX[2] as number))).toBeLessThan(2);
  });
});
