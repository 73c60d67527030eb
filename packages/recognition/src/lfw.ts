import path from 'node:path';

/** One image of an LFW pair: person name and 1-based image number. */
export interface LfwImage {
  /** Person name as in the folder name (underscores). */
  name: string;
  /** Image number within the person's folder. */
  index: number;
}

/** One pair from an LFW pairs file. */
export interface LfwPair {
  /** 0-based fold. */
  fold: number;
  /** First image. */
  a: LfwImage;
  /** Second image. */
  b: LfwImage;
  /** True for matched (same person) pairs. */
  same: boolean;
}

/**
 * Parses the official LFW pairs format: a header "folds<TAB>n", then per fold n matched lines
 * "Name n1 n2" and n mismatched lines "Name1 n1 Name2 n2".
 */
export function parseLfwPairs(text: string): LfwPair[] {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
  const header = (lines.shift() ?? '').split(/\s+/).map(Number);
  const folds = header[0] ?? 0;
  const perFold = header[1] ?? 0;
  if (!folds || !perFold) throw new Error('pairs file: first line must be "<folds>\\t<pairs per half-fold>"');
  const pairs: LfwPair[] = [];
  for (let i = 0; i < lines.length; i++) {
    const f = (lines[i] as string).split(/\s+/);
    const fold = Math.floor(i / (2 * perFold));
    if (f.length === 3) pairs.push({ fold, same: true, a: { name: f[0] as string, index: Number(f[1]) }, b: { name: f[0] as string, index: Number(f[2]) } });
    else if (f.length === 4) pairs.push({ fold, same: false, a: { name: f[0] as string, index: Number(f[1]) }, b: { name: f[2] as string, index: Number(f[3]) } });
    else throw new Error(`pairs file line ${i + 2}: expected 3 or 4 fields`);
  }
  if (pairs.length !== folds * perFold * 2) throw new Error(`pairs file: expected ${folds * perFold * 2} pairs, found ${pairs.length}`);
  return pairs;
}

/** Path of an LFW image below the images directory: Name/Name_0001.jpg. */
export function lfwImagePath(imagesDir: string, image: LfwImage): string {
  return path.join(imagesDir, image.name, `${image.name}_${String(image.index).padStart(4, '0')}.jpg`);
}
