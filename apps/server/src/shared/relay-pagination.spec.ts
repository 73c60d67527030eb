import { describe, expect, it } from 'vitest';
import { DEFAULT_PAGE_SIZE, encodeCursor, parsePageArgs } from './relay-pagination.js';

const parseKey = (value: unknown) => (Array.isArray(value) && typeof value[0] === 'string' ? value[0] : null);

describe('parsePageArgs', () => {
  it('pages forward by default, and backward with last/before', () => {
    expect(parsePageArgs({}, parseKey)).toEqual({
      direction: 'forward',
      size: DEFAULT_PAGE_SIZE,
      cursor: null,
    });
    expect(parsePageArgs({ first: 5, after: encodeCursor(['k']) }, parseKey)).toEqual({
      direction: 'forward',
      size: 5,
      cursor: 'k',
    });
    expect(parsePageArgs({ before: encodeCursor(['k']) }, parseKey)).toEqual({
      direction: 'backward',
      size: DEFAULT_PAGE_SIZE,
      cursor: 'k',
    });
  });

  it('refuses mixed directions, sizes out of range and foreign cursors with BAD_INPUT', () => {
    expect(() => parsePageArgs({ first: 1, before: encodeCursor(['k']) }, parseKey)).toThrow(/not both/);
    expect(() => parsePageArgs({ last: 101 }, parseKey)).toThrow(/last must be an integer from 0 to 100/);
    expect(() => parsePageArgs({ after: 'garbage' }, parseKey)).toThrow(/after is not a valid cursor/);
    expect(() => parsePageArgs({ after: encodeCursor([42]) }, parseKey)).toThrow(/not a valid cursor/);
  });
});
