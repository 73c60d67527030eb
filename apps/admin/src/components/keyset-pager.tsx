'use client';

// Previous / Next over a keyset-paged Relay connection (first/after forward, last/before backward),
// and the hook that keeps which page is shown.
import { useEffect, useState } from 'react';

/** Where the current page starts: the first page, after a cursor (next) or before one (previous). */
type PageAt =
  | { kind: 'first' }
  | { kind: 'after'; cursor: string; page: number }
  | { kind: 'before'; cursor: string; page: number };

/** The page's arguments of a connection query. */
export type PageVariables = { first: number; after: string | null } | { last: number; before: string };

/** The pageInfo fields the pager needs. */
interface PagerPageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

/** Which page is shown (1-based), its query arguments, and moves to the pages either side. */
export interface KeysetPages {
  page: number;
  variables: PageVariables;
  showPrevious: (startCursor: string) => void;
  showNext: (endCursor: string) => void;
}

/** Pages of `pageSize`; back to the first page whenever `filterKey` (the filters, serialized) changes. */
export function useKeysetPages(pageSize: number, filterKey: string): KeysetPages {
  const [pageAt, setPageAt] = useState<PageAt>({ kind: 'first' });
  // A new filter starts again from the first page.
  useEffect(() => setPageAt({ kind: 'first' }), [filterKey]);
  const page = pageAt.kind === 'first' ? 1 : pageAt.page;
  return {
    page,
    variables:
      pageAt.kind === 'before'
        ? { last: pageSize, before: pageAt.cursor }
        : { first: pageSize, after: pageAt.kind === 'after' ? pageAt.cursor : null },
    showPrevious: (cursor) =>
      setPageAt(page <= 2 ? { kind: 'first' } : { kind: 'before', cursor, page: page - 1 }),
    showNext: (cursor) => setPageAt({ kind: 'after', cursor, page: page + 1 }),
  };
}

/** ← Previous, "Page n" (of `pageCount` when known), Next →; nothing when there is a single page. */
export function KeysetPager({
  pages,
  pageInfo,
  pageCount,
  isFetching,
}: {
  pages: KeysetPages;
  pageInfo: PagerPageInfo;
  pageCount?: number;
  isFetching: boolean;
}) {
  if (!pageInfo.hasNextPage && !pageInfo.hasPreviousPage) return null;
  return (
    <nav className="pager" aria-label="Pages">
      <button
        type="button"
        className="button button-quiet"
        disabled={!pageInfo.hasPreviousPage || !pageInfo.startCursor || isFetching}
        onClick={() => {
          const cursor = pageInfo.startCursor;
          if (cursor) pages.showPrevious(cursor);
        }}
      >
        ← Previous
      </button>
      <span>
        Page {pages.page}
        {pageCount !== undefined && ` of ${pageCount}`}
      </span>
      <button
        type="button"
        className="button button-quiet"
        disabled={!pageInfo.hasNextPage || !pageInfo.endCursor || isFetching}
        onClick={() => {
          const cursor = pageInfo.endCursor;
          if (cursor) pages.showNext(cursor);
        }}
      >
        Next →
      </button>
    </nav>
  );
}
