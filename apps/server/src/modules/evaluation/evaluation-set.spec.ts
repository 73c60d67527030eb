import { describe, expect, it } from 'vitest';
import { setFromFolders, setFromPairs } from './evaluation-set.js';

const bytes = new Uint8Array([1]);

describe('evaluation sets', () => {
  it('makes same-person pairs per folder and as many different-person pairs, deterministically', () => {
    const entries = ['A/1.jpg', 'A/2.jpg', 'A/3.jpg', 'B/1.jpg', 'B/2.jpg', 'C/1.jpg', 'C/notes.txt'].map(
      (path) => ({ path: `root/${path}`, bytes }),
    );
    const set = setFromFolders(entries);
    const same = set.pairs.filter((p) => p.same);
    const different = set.pairs.filter((p) => !p.same);
    expect(same).toHaveLength(4);
    expect(different).toHaveLength(4);
    const personOf = (i: number) => set.images[i]?.path.split('/')[1];
    for (const p of same) expect(personOf(p.a)).toBe(personOf(p.b));
    for (const p of different) expect(personOf(p.a)).not.toBe(personOf(p.b));
    expect(set.images.some((image) => image.path.endsWith('.txt'))).toBe(false);
    expect(setFromFolders(entries)).toEqual(set);
  });

  it('refuses a zip without two people or without a person with two photos', () => {
    expect(() =>
      setFromFolders([
        { path: 'A/1.jpg', bytes },
        { path: 'A/2.jpg', bytes },
      ]),
    ).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
    expect(() =>
      setFromFolders([
        { path: 'A/1.jpg', bytes },
        { path: 'B/1.jpg', bytes },
      ]),
    ).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
  });

  it('maps LFW pairs onto the zip’s images, and names the missing ones', () => {
    const entries = ['lfw/Ann/Ann_0001.jpg', 'lfw/Ann/Ann_0002.jpg', 'lfw/Bob/Bob_0001.jpg'].map((path) => ({
      path,
      bytes,
    }));
    const set = setFromPairs(
      [
        { fold: 0, same: true, a: { name: 'Ann', index: 1 }, b: { name: 'Ann', index: 2 } },
        { fold: 0, same: false, a: { name: 'Ann', index: 1 }, b: { name: 'Bob', index: 1 } },
      ],
      entries,
    );
    expect(set.images.map((i) => i.path)).toEqual([
      'lfw/Ann/Ann_0001.jpg',
      'lfw/Ann/Ann_0002.jpg',
      'lfw/Bob/Bob_0001.jpg',
    ]);
    expect(set.pairs).toEqual([
      { a: 0, b: 1, same: true, fold: 0 },
      { a: 0, b: 2, same: false, fold: 0 },
    ]);
    expect(() =>
      setFromPairs(
        [{ fold: 0, same: true, a: { name: 'Cy', index: 1 }, b: { name: 'Cy', index: 2 } }],
        entries,
      ),
    ).toThrow(
      expect.objectContaining({ code: 'BAD_INPUT', message: expect.stringContaining('Cy/Cy_0001.jpg') }),
    );
  });
});
