import type { AnalysisResult, Face } from './types.js';

/** Picks the face a single-subject photo is about: boxes holding the image centre first, then the largest. */
export function pickSubjectFace(result: AnalysisResult): Face | undefined {
  const cx = result.width / 2;
  const cy = result.height / 2;
  const holds = (f: Face): boolean =>
    f.box.x <= cx && cx <= f.box.x + f.box.width && f.box.y <= cy && cy <= f.box.y + f.box.height;
  const area = (f: Face): number => f.box.width * f.box.height;
  const sorted = [...result.faces].sort((a, b) => Number(holds(b)) - Number(holds(a)) || area(b) - area(a));
  return sorted[0];
}
