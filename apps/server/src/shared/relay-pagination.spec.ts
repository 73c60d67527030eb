import { describe, expect, it } from 'vitest';
import {
  cutPage,
  DEFAULT_PAGE_SIZE,
  encodeCreatedAtCursor,
  encodeCursor,
  parseCreatedAtKey,
  parsePageArgs,
  toConnection,
} from './relay-pagination.js';

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

describe('cutPage and toConnection', () => {
  const edgesOf = (rows: string[]) => rows.map((row) => ({ node: row, cursor: encodeCursor([row]) }));

  it('keeps a forward page in order and reports the extra row as a next page', () => {
    const page = { direction: 'forward' as const, size: 2, cursor: 'a' };
    const { rows, hasMore } = cutPage(page, ['b', 'c', 'd']);
    expect(rows).toEqual(['b', 'c']);
    expect(toConnection(page, edgesOf(rows), hasMore).pageInfo).toEqual({
      hasNextPage: true,
      hasPreviousPage: true,
      startCursor: encodeCursor(['b']),
      endCursor: encodeCursor(['c']),
    });
  });

  it('turns a backward page around; the extra row is a previous page, the cursor a next one', () => {
    const page = { direction: 'backward' as const, size: 2, cursor: 'z' };
    const { rows, hasMore } = cutPage(page, ['y', 'x']);
    expect(rows).toEqual(['x', 'y']);
    expect(toConnection(page, edgesOf(rows), hasMore).pageInfo).toMatchObject({
      hasNextPage: true,
      hasPreviousPage: false,
      startCursor: encodeCursor(['x']),
    });
    expect(toConnection(page, edgesOf(rows), hasMore, false).pageInfo.hasNextPage).toBe(false);
  });

  it('gives an empty first page no cursors and no neighbours', () => {
    const page = { direction: 'forward' as const, size: 5, cursor: null };
    const { rows, hasMore } = cutPage(page, []);
    expect(toConnection(page, edgesOf(rows), hasMore)).toEqual({
      edges: [],
      pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
    });
  });
});

describe('createdAt keys', () => {
  const id = '00000000-0000-4000-8000-000000000001';

  it('round-trips a (createdAt, id) cursor', () => {
    const createdAt = new Date('2026-12-06T08:00:00.123Z');
    const page = parsePageArgs({ after: encodeCreatedAtCursor(createdAt, id) }, parseCreatedAtKey);
    expect(page.cursor).toEqual({ createdAt, id });
  });

  it('refuses keys that are not a storable date and a uuid', () => {
    expect(parseCreatedAtKey(['not a date', id])).toBeNull();
    expect(parseCreatedAtKey(['+275760-09-13T00:00:00.000Z', id])).toBeNull();
    expect(parseCreatedAtKey(['2026-12-06T08:00:00Z', 'no-uuid'])).toBeNull();
    expect(parseCreatedAtKey(['2026-12-06T08:00:00Z'])).toBeNull();
  });
});
