// Relay cursor pagination over a keyset: checks first/after/last/before once, and turns sort keys
// into opaque cursors and back. Any list ordered by a unique key tuple can page with it.
import { AppError, ErrorCode } from './app-error.js';
import { parseStorableDate } from './date-input.js';
import { isUuid } from './uuid.js';

/** Page size when the caller gives neither first nor last. */
export const DEFAULT_PAGE_SIZE = 20;
/** Largest page a caller may ask for, so one query cannot read a whole table. */
export const MAX_PAGE_SIZE = 100;

/** The Relay arguments as GraphQL hands them over. */
export interface PageArgs {
  first?: number | null | undefined;
  after?: string | null | undefined;
  last?: number | null | undefined;
  before?: string | null | undefined;
}

/** A checked page request: read `size` rows forward after `cursor`, or backward before it. */
export interface PageRequest<K> {
  direction: 'forward' | 'backward';
  size: number;
  /** The decoded key of after (forward) or before (backward); null reads from the start or the end. */
  cursor: K | null;
}

/** What a connection reports about the pages around the one returned. */
export interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

/** An opaque cursor for a sort key: base64url of its JSON. */
export function encodeCursor(key: readonly unknown[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/** The sort key of lists ordered by creation time, ties broken by id (jobs, match events). */
export interface CreatedAtKey {
  createdAt: Date;
  id: string;
}

/** The cursor of a CreatedAtKey. */
export function encodeCreatedAtCursor(createdAt: Date | string, id: string): string {
  return encodeCursor([typeof createdAt === 'string' ? createdAt : createdAt.toISOString(), id]);
}

/** The CreatedAtKey in a decoded cursor (parseKey of decodeCursor and parsePageArgs). */
export function parseCreatedAtKey(value: unknown): CreatedAtKey | null {
  if (!Array.isArray(value) || value.length !== 2) return null;
  const [at, id] = value as unknown[];
  if (typeof at !== 'string' || typeof id !== 'string' || !isUuid(id)) return null;
  const createdAt = parseStorableDate(at);
  return createdAt === null ? null : { createdAt, id };
}

/** The key inside a cursor, checked by `parseKey`; BAD_INPUT when it is not one of ours. */
export function decodeCursor<K>(cursor: string, parseKey: (value: unknown) => K | null, field: string): K {
  let value: unknown = null;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    value = null;
  }
  const key = value === null ? null : parseKey(value);
  if (key === null) {
    throw new AppError(
      ErrorCode.BAD_INPUT,
      `${field} is not a valid cursor; pass the startCursor or endCursor of a page this query returned.`,
      { field },
    );
  }
  return key;
}

function checkSize(value: number, field: string): number {
  if (!Number.isInteger(value) || value < 0 || value > MAX_PAGE_SIZE) {
    throw new AppError(ErrorCode.BAD_INPUT, `${field} must be an integer from 0 to ${MAX_PAGE_SIZE}.`, {
      field,
    });
  }
  return value;
}

/**
 * Checks the Relay arguments: first/after page forward, last/before page backward; mixing the two
 * directions is refused, as the Relay specification discourages it.
 */
export function parsePageArgs<K>(args: PageArgs, parseKey: (value: unknown) => K | null): PageRequest<K> {
  const isForward = args.first != null || args.after != null;
  const isBackward = args.last != null || args.before != null;
  if (isForward && isBackward) {
    throw new AppError(
      ErrorCode.BAD_INPUT,
      'Page forward with first/after or backward with last/before, not both in one query.',
      { field: 'first' },
    );
  }
  if (isBackward) {
    return {
      direction: 'backward',
      size: args.last == null ? DEFAULT_PAGE_SIZE : checkSize(args.last, 'last'),
      cursor: args.before == null ? null : decodeCursor(args.before, parseKey, 'before'),
    };
  }
  return {
    direction: 'forward',
    size: args.first == null ? DEFAULT_PAGE_SIZE : checkSize(args.first, 'first'),
    cursor: args.after == null ? null : decodeCursor(args.after, parseKey, 'after'),
  };
}

/** One row of a connection and the cursor that pages from it. */
export interface Edge<N> {
  node: N;
  cursor: string;
}

/** One page of a list as GraphQL returns it. */
export interface Connection<N> {
  edges: Array<Edge<N>>;
  pageInfo: PageInfo;
}

/**
 * The rows of one page out of the rows read for it. A page reads `size + 1` rows away from its
 * cursor (in sort order forward, against it backward): the extra row only tells that more lie
 * beyond. Backward rows are turned around, so the page is in sort order either way.
 */
export function cutPage<R>(
  page: Pick<PageRequest<unknown>, 'direction' | 'size'>,
  read: readonly R[],
): { rows: R[]; hasMore: boolean } {
  const rows = read.slice(0, page.size);
  if (page.direction === 'backward') rows.reverse();
  return { rows, hasMore: read.length > page.size };
}

/**
 * The connection of one page. `hasMore`: rows lie beyond the page in its direction (`cutPage`);
 * `hasOpposite`: rows lie on the other side of its cursor, by default whenever it has a cursor
 * (a list that can lose rows between two pages checks instead).
 */
export function toConnection<N>(
  page: Pick<PageRequest<unknown>, 'direction' | 'cursor'>,
  edges: Array<Edge<N>>,
  hasMore: boolean,
  hasOpposite: boolean = page.cursor !== null,
): Connection<N> {
  const isForward = page.direction === 'forward';
  return {
    edges,
    pageInfo: {
      hasNextPage: isForward ? hasMore : hasOpposite,
      hasPreviousPage: isForward ? hasOpposite : hasMore,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}
