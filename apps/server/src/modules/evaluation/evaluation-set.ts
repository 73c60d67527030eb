// Turns an uploaded labelled set into pairs over distinct images: an LFW pairs file (folds as given)
// over a zip of Name/Name_0001.jpg images, or a zip with one folder per person (same-person pairs of
// each folder, as many different-person pairs drawn with a fixed seed, spread over folds).
import type { LfwPair } from '@faceledger/recognition';
import { AppError, ErrorCode } from '../../shared/app-error.js';
import type { ZipFileEntry } from '../../shared/read-zip.js';

/** A pair of images by their index in `images`. */
export interface IndexedPair {
  a: number;
  b: number;
  same: boolean;
  fold: number;
}

/** The distinct images to embed and the pairs over them. */
export interface EvaluationSet {
  images: ZipFileEntry[];
  pairs: IndexedPair[];
}

/** Same-person pairs taken from one folder at most. */
export const MAX_SAME_PAIRS_PER_PERSON = 20;
/** Pairs of each kind at most in a folder-per-person set. */
export const MAX_PAIRS_PER_KIND = 3_000;

const IMAGE_FILE = /\.(jpe?g|png|webp|bmp|gif|tiff?)$/i;

/** The last folder and the file name of a zip path: "Name/Name_0001.jpg". */
function tail(path: string): string {
  return path.split('/').slice(-2).join('/');
}

function lfwName(name: string, index: number): string {
  return `${name}/${name}_${String(index).padStart(4, '0')}.jpg`;
}

/** Pairs of an LFW pairs file over the zip's images; BAD_INPUT when the zip lacks some. */
export function setFromPairs(pairs: readonly LfwPair[], entries: readonly ZipFileEntry[]): EvaluationSet {
  const byTail = new Map(entries.map((e) => [tail(e.path), e] as const));
  const images: ZipFileEntry[] = [];
  const indexOf = new Map<string, number>();
  const missing: string[] = [];
  const imageIndex = (name: string): number => {
    const known = indexOf.get(name);
    if (known !== undefined) return known;
    const entry = byTail.get(name);
    if (!entry) {
      missing.push(name);
      return -1;
    }
    indexOf.set(name, images.length);
    images.push(entry);
    return images.length - 1;
  };
  const indexed = pairs.map((p) => ({
    a: imageIndex(lfwName(p.a.name, p.a.index)),
    b: imageIndex(lfwName(p.b.name, p.b.index)),
    same: p.same,
    fold: p.fold,
  }));
  if (missing.length > 0) {
    throw new AppError(
      ErrorCode.BAD_INPUT,
      `The zip lacks ${missing.length} images named in the pairs file, such as ${missing.slice(0, 3).join(', ')}; put every image at Name/Name_0001.jpg.`,
      { field: 'archive' },
    );
  }
  return { images, pairs: indexed };
}

/** A small deterministic PRNG (mulberry32), so the same zip always gives the same pairs. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Same-person and different-person pairs of a zip with one folder per person. */
export function setFromFolders(entries: readonly ZipFileEntry[]): EvaluationSet {
  const people = new Map<string, ZipFileEntry[]>();
  for (const entry of entries) {
    const parts = entry.path.split('/');
    const person = parts.at(-2);
    if (!person || !IMAGE_FILE.test(entry.path)) continue;
    const list = people.get(person) ?? [];
    list.push(entry);
    people.set(person, list);
  }
  const names = [...people.keys()].sort();
  const images: ZipFileEntry[] = [];
  const indicesOf = new Map<string, number[]>();
  for (const name of names) {
    const files = (people.get(name) ?? []).sort((x, y) => x.path.localeCompare(y.path));
    indicesOf.set(
      name,
      files.map((file) => images.push(file) - 1),
    );
  }
  const same: IndexedPair[] = [];
  for (const name of names) {
    const ids = indicesOf.get(name) ?? [];
    let count = 0;
    for (let i = 0; i < ids.length && count < MAX_SAME_PAIRS_PER_PERSON; i++) {
      for (let j = i + 1; j < ids.length && count < MAX_SAME_PAIRS_PER_PERSON; j++) {
        same.push({ a: ids[i] as number, b: ids[j] as number, same: true, fold: 0 });
        count++;
      }
    }
  }
  if (names.length < 2 || same.length === 0) {
    throw new AppError(
      ErrorCode.BAD_INPUT,
      'The zip needs at least two person folders and one folder with two or more photos; put each person’s photos in a folder named after them.',
      { field: 'archive' },
    );
  }
  const rand = random(images.length * 7919 + names.length);
  const sameKept = same.length > MAX_PAIRS_PER_KIND ? shuffle(same, rand).slice(0, MAX_PAIRS_PER_KIND) : same;
  const different: IndexedPair[] = [];
  const seen = new Set<string>();
  const wanted = sameKept.length;
  for (let tries = 0; different.length < wanted && tries < wanted * 20; tries++) {
    const p = Math.floor(rand() * names.length);
    let q = Math.floor(rand() * (names.length - 1));
    if (q >= p) q++;
    const a = pick(indicesOf.get(names[p] as string) ?? [], rand);
    const b = pick(indicesOf.get(names[q] as string) ?? [], rand);
    const key = a < b ? `${a}:${b}` : `${b}:${a}`;
    if (seen.has(key)) continue;
    seen.add(key);
    different.push({ a, b, same: false, fold: 0 });
  }
  const pairs = shuffle([...sameKept, ...different], rand);
  const folds = Math.min(10, Math.max(1, Math.floor(pairs.length / 2)));
  pairs.forEach((pair, i) => (pair.fold = i % folds));
  // Keep only the images some pair uses.
  const used = [...new Set(pairs.flatMap((p) => [p.a, p.b]))].sort((x, y) => x - y);
  const renumber = new Map(used.map((old, i) => [old, i] as const));
  return {
    images: used.map((i) => images[i] as ZipFileEntry),
    pairs: pairs.map((p) => ({ ...p, a: renumber.get(p.a) as number, b: renumber.get(p.b) as number })),
  };
}

function pick(ids: readonly number[], rand: () => number): number {
  return ids[Math.floor(rand() * ids.length)] as number;
}

function shuffle<T>(items: T[], rand: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}
