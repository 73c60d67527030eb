import { describe, expect, it } from 'vitest';
import { buildOpenSetProtocol } from './protocol.js';

const f = (person: string, n: number): string => `/lfw/${person}/${person}_${String(n).padStart(4, '0')}.jpg`;
const images = [f('Ann', 3), f('Ann', 1), f('Ann', 2), f('Bob', 1), f('Cid', 2), f('Cid', 1)];
const distractors = [f('Dee', 2), f('Dee', 1), f('Ann', 1), f('Eve', 1)];

describe('open-set protocol', () => {
  it('enrolls the first K photos by name, probes photo K+1, and makes one-photo people strangers', () => {
    const p = buildOpenSetProtocol(images, distractors, 1);
    expect([...p.enrolled]).toEqual([
      ['Ann', [f('Ann', 1)]],
      ['Cid', [f('Cid', 1)]],
    ]);
    expect(p.mated).toEqual([
      { file: f('Ann', 2), mate: 'Ann' },
      { file: f('Cid', 2), mate: 'Cid' },
    ]);
    expect(p.nonMated).toEqual([{ file: f('Bob', 1), mate: null }]);
    // Ann is in --images, so only Dee and Eve are distractors, each by its first photo.
    expect(p.distractors).toEqual([
      { person: 'Dee', file: f('Dee', 1) },
      { person: 'Eve', file: f('Eve', 1) },
    ]);
  });

  it('leaves out people with 2..K photos when K is larger', () => {
    const p = buildOpenSetProtocol(images, [], 2);
    expect([...p.enrolled.keys()]).toEqual(['Ann']);
    expect(p.enrolled.get('Ann')).toEqual([f('Ann', 1), f('Ann', 2)]);
    expect(p.mated).toEqual([{ file: f('Ann', 3), mate: 'Ann' }]);
    expect(p.nonMated.map((x) => x.file)).toEqual([f('Bob', 1)]);
  });
});
