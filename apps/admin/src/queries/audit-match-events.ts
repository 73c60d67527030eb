// The auditors' match-event list: a page at a time for the table, and every matching event (in
// pages of 100) for the CSV export. Identities by id only: auditors may not read names.
import {
  AuditMatchEventsDocument,
  type AuditMatchEventsQuery,
  type MatchEventFilter,
} from '@faceledger/schema/client';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { request } from '../lib/graphql-client';

/** One event of the list, as the query selects it. */
export type AuditMatchEvent = AuditMatchEventsQuery['matchEvents']['edges'][number]['node'];

export function useAuditMatchEvents(filter: MatchEventFilter, first: number, after: string | null) {
  return useQuery({
    queryKey: ['auditMatchEvents', filter, first, after],
    queryFn: async () => (await request(AuditMatchEventsDocument, { filter, first, after })).matchEvents,
    placeholderData: keepPreviousData,
  });
}

/** The most events one export holds; narrow the filters for more. */
export const EXPORT_LIMIT = 10_000;

/** Every event matching `filter`, newest first, up to EXPORT_LIMIT; `truncated` when there were more. */
export async function fetchAllMatchEvents(
  filter: MatchEventFilter,
): Promise<{ events: AuditMatchEvent[]; truncated: boolean }> {
  const events: AuditMatchEvent[] = [];
  let after: string | null = null;
  for (;;) {
    const page: AuditMatchEventsQuery['matchEvents'] = (
      await request(AuditMatchEventsDocument, { filter, first: 100, after })
    ).matchEvents;
    events.push(...page.edges.map((e) => e.node));
    if (!page.pageInfo.hasNextPage || !page.pageInfo.endCursor) return { events, truncated: false };
    if (events.length >= EXPORT_LIMIT) return { events: events.slice(0, EXPORT_LIMIT), truncated: true };
    after = page.pageInfo.endCursor;
  }
}
