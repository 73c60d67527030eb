'use client';

// Match events for auditors: every identify, verify, compare and detect call with who asked, the
// decision, scores and reviews, filtered and paged, and exported as CSV. Identities show as ids:
// auditors may not read people's names (identities.readName).
import type { MatchDecision, MatchEventFilter, MatchKind } from '@faceledger/schema/client';
import Link from 'next/link';
import { useState } from 'react';
import { RefCode } from '../../../components/audit-ref';
import { formatDateTime } from '../../../lib/format';
import { useActorDirectory } from '../../../queries/audit';
import {
  EXPORT_LIMIT,
  fetchAllMatchEvents,
  useAuditMatchEvents,
  type AuditMatchEvent,
} from '../../../queries/audit-match-events';
import { useGalleries } from '../../../queries/galleries';
import { nameOfRef } from '../actor-names';

const PAGE_SIZE = 25;
const KINDS: MatchKind[] = ['IDENTIFY', 'VERIFY', 'COMPARE', 'DETECT'];
const DECISIONS: MatchDecision[] = ['MATCH', 'NO_MATCH', 'UNKNOWN'];

/** A datetime-local value (the reader's time zone) as ISO-8601 UTC; null when empty or invalid. */
function toIso(local: string): string | null {
  if (!local) return null;
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** One CSV cell: quoted when needed, and formula-looking text neutralised for spreadsheets. */
function csvCell(value: string | number | boolean | null | undefined): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The events as CSV, with the requester's and gallery's names beside their ids. */
function toCsv(
  events: AuditMatchEvent[],
  nameOf: (ref: string | null | undefined) => string | undefined,
): string {
  const header = [
    'createdAt',
    'id',
    'kind',
    'decision',
    'galleryId',
    'gallery',
    'requester',
    'requesterName',
    'topScore',
    'threshold',
    'modelId',
    'latencyMs',
    'needsReview',
    'candidates',
    'reviews',
  ];
  const rows = events.map((e) => [
    e.createdAt,
    e.id,
    e.kind,
    e.decision,
    e.galleryId,
    nameOf(e.galleryId ? `gallery:${e.galleryId}` : null),
    e.requester,
    nameOf(e.requester),
    e.topScore,
    e.threshold,
    e.modelId,
    e.latencyMs,
    e.needsReview,
    e.candidates.map((c) => `${c.rank}:identity:${c.identity.id}:${c.score.toFixed(4)}`).join(' '),
    e.reviews.map((r) => `${r.verdict} by ${r.reviewerEmail ?? '?'} at ${r.createdAt}`).join('; '),
  ]);
  return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

export default function AuditMatchEventsPage() {
  const galleries = useGalleries();
  const directory = useActorDirectory();
  const nameOf = (ref: string | null | undefined) => nameOfRef(ref, directory.data, galleries.data);

  const [galleryId, setGalleryId] = useState('');
  const [kind, setKind] = useState('');
  const [decision, setDecision] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const [exporting, setExporting] = useState<string | null>(null);

  const filter: MatchEventFilter = {
    galleryId: galleryId || null,
    kind: (kind || null) as MatchKind | null,
    decision: (decision || null) as MatchDecision | null,
    from: toIso(from),
    to: toIso(to),
  };
  const after = cursors[cursors.length - 1] ?? null;
  const events = useAuditMatchEvents(filter, PAGE_SIZE, after);
  const connection = events.data;
  const change = (set: (v: string) => void) => (value: string) => {
    set(value);
    setCursors([null]);
  };

  async function exportCsv() {
    setExporting('Exporting…');
    try {
      const { events: all, truncated } = await fetchAllMatchEvents(filter);
      const blob = new Blob([toCsv(all, nameOf)], { type: 'text/csv' });
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = `faceledger-match-events-${new Date().toISOString().slice(0, 10)}.csv`;
      link.click();
      URL.revokeObjectURL(url);
      setExporting(
        truncated
          ? `Exported the newest ${EXPORT_LIMIT} events; narrow the filters to export the rest.`
          : `Exported ${all.length} ${all.length === 1 ? 'event' : 'events'}.`,
      );
    } catch (error) {
      setExporting(`Export failed: ${(error as Error).message}`);
    }
  }

  return (
    <section aria-labelledby="match-events-title">
      <p className="small">
        <Link href="/audit">← Audit log</Link>
      </p>
      <h1 id="match-events-title">Match events</h1>
      <p className="muted">
        Every recognition call: who asked, what was decided and with which scores. People show as identity
        ids.
      </p>

      <form
        className="toolbar audit-filters"
        role="search"
        aria-label="Filter match events"
        onSubmit={(e) => e.preventDefault()}
      >
        <div className="field">
          <label htmlFor="me-gallery">Gallery</label>
          <select id="me-gallery" value={galleryId} onChange={(e) => change(setGalleryId)(e.target.value)}>
            <option value="">All</option>
            {galleries.data?.map((g) => (
              <option key={g.id} value={g.id}>
                {g.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="me-kind">Kind</label>
          <select id="me-kind" value={kind} onChange={(e) => change(setKind)(e.target.value)}>
            <option value="">All</option>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="me-decision">Decision</label>
          <select id="me-decision" value={decision} onChange={(e) => change(setDecision)(e.target.value)}>
            <option value="">All</option>
            {DECISIONS.map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="me-from">From</label>
          <input
            id="me-from"
            type="datetime-local"
            value={from}
            onChange={(e) => change(setFrom)(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="me-to">Before</label>
          <input
            id="me-to"
            type="datetime-local"
            value={to}
            onChange={(e) => change(setTo)(e.target.value)}
          />
        </div>
        <div className="field audit-clear">
          <button
            type="button"
            className="button button-quiet"
            onClick={() => void exportCsv()}
            disabled={exporting === 'Exporting…'}
          >
            Export CSV
          </button>
        </div>
      </form>

      <p role="status" className="muted">
        {exporting ?? (events.isFetching ? 'Loading events…' : '')}
      </p>
      {events.error && (
        <p role="alert" className="error">
          {events.error.message}
        </p>
      )}
      {connection && connection.edges.length === 0 && !events.isFetching && (
        <p className="panel">No match event matches these filters.</p>
      )}
      {connection && connection.edges.length > 0 && (
        <div className="table-wrap">
          <table className="audit-table" aria-busy={events.isFetching}>
            <caption className="visually-hidden">Match events, page {cursors.length}</caption>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Kind</th>
                <th scope="col">Decision</th>
                <th scope="col">Gallery</th>
                <th scope="col">Requester</th>
                <th scope="col" className="num">
                  Top score
                </th>
                <th scope="col">Candidates</th>
                <th scope="col">Reviews</th>
              </tr>
            </thead>
            <tbody>
              {connection.edges.map(({ node }) => (
                <tr key={node.id}>
                  <td className="small nowrap">{formatDateTime(node.createdAt)}</td>
                  <td>
                    <code>{node.kind}</code>
                  </td>
                  <td>{node.decision}</td>
                  <td>
                    {node.galleryId
                      ? (nameOf(`gallery:${node.galleryId}`) ?? (
                          <RefCode value={`gallery:${node.galleryId}`} />
                        ))
                      : '–'}
                  </td>
                  <td>
                    {node.requester ? <RefCode value={node.requester} /> : '–'}
                    {nameOf(node.requester) && <div className="muted small">{nameOf(node.requester)}</div>}
                  </td>
                  <td className="num">
                    {node.topScore?.toFixed(3) ?? '–'}
                    {node.threshold !== null && node.threshold !== undefined && (
                      <div className="muted small">threshold {node.threshold.toFixed(3)}</div>
                    )}
                  </td>
                  <td className="small">
                    {node.candidates.length === 0
                      ? '–'
                      : node.candidates.slice(0, 3).map((c) => (
                          <div key={c.rank}>
                            {c.rank}. <RefCode value={`identity:${c.identity.id}`} /> {c.score.toFixed(3)}
                          </div>
                        ))}
                  </td>
                  <td className="small">
                    {node.reviews.length === 0
                      ? node.needsReview
                        ? 'needs review'
                        : '–'
                      : node.reviews.map((r, i) => (
                          <div key={i}>
                            {r.verdict} by {r.reviewerEmail ?? 'a reviewer'}
                          </div>
                        ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {connection && (cursors.length > 1 || connection.pageInfo.hasNextPage) && (
        <nav className="pager" aria-label="Pages of match events">
          <button
            type="button"
            className="button button-quiet"
            disabled={cursors.length <= 1}
            onClick={() => setCursors(cursors.slice(0, -1))}
          >
            ← Previous
          </button>
          <span className="muted">Page {cursors.length}</span>
          <button
            type="button"
            className="button button-quiet"
            disabled={!connection.pageInfo.hasNextPage || !connection.pageInfo.endCursor}
            onClick={() => setCursors([...cursors, connection.pageInfo.endCursor])}
          >
            Next →
          </button>
        </nav>
      )}
    </section>
  );
}
