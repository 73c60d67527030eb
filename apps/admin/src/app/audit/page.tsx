'use client';

// The audit ledger: filter by time range, actor, action and gallery, page through entries, check the
// hash chain, and export the filtered range as CSV or NDJSON.
import type { AuditLogFilter, AuditLogOrder } from '@faceledger/schema/client';
import { useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { AuditChainStatus } from '../../components/audit-chain-status';
import { RefCode } from '../../components/audit-ref';
import { KeysetPager, useKeysetPages } from '../../components/keyset-pager';
import { formatDateTime } from '../../lib/format';
import { useDebounced } from '../../lib/use-debounced';
import { useActorDirectory, useAuditLog } from '../../queries/audit';
import { useGalleries } from '../../queries/galleries';
import { nameOfRef } from './actor-names';

const PAGE_SIZE = 25;

/** Actions the server writes, offered as suggestions (any text may be typed). */
const KNOWN_ACTIONS = [
  'auth.signIn',
  'auth.signInFailed',
  'auth.signOut',
  'user.create',
  'user.update',
  'apiKey.create',
  'apiKey.revoke',
  'gallery.create',
  'gallery.update',
  'gallery.delete',
  'identity.create',
  'identity.update',
  'identity.suspend',
  'identity.reactivate',
  'identity.erase',
  'face.enroll',
  'face.enrollRefused',
  'faces.identify',
  'faces.verify',
  'faces.compare',
  'faces.detect',
  'matchEvent.review',
  'matchEvents.purgeProbes',
  'audit.export',
  'webhook.create',
  'webhook.delete',
];

/** A datetime-local value (the reader's time zone) as ISO-8601 UTC; null when empty or invalid. */
function toIso(local: string): string | null {
  if (!local) return null;
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** A one-line gist of a payload: its short scalar fields ("verdict: REJECT · hasNote: false"), else its keys. */
function payloadSummary(payload: unknown): string {
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) return JSON.stringify(payload);
  const entries = Object.entries(payload as Record<string, unknown>);
  if (entries.length === 0) return '{}';
  const short = entries.filter(
    ([, v]) => typeof v === 'number' || typeof v === 'boolean' || (typeof v === 'string' && v.length <= 24),
  );
  const shown = (short.length ? short : entries).slice(0, 3);
  const text = shown.map(([k, v]) => (short.length ? `${k}: ${String(v)}` : k)).join(' · ');
  return entries.length > shown.length ? `${text} …` : text;
}

export default function AuditPage() {
  const client = useQueryClient();
  const galleries = useGalleries();
  // Staff users and API keys (directory.read: ADMIN, AUDITOR): actors and subjects get their names.
  const directory = useActorDirectory();

  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [actor, setActor] = useState('');
  const [action, setAction] = useState('');
  const [galleryId, setGalleryId] = useState('');
  const [order, setOrder] = useState<AuditLogOrder>('NEWEST_FIRST');

  const debouncedActor = useDebounced(actor.trim(), 300);
  const debouncedAction = useDebounced(action.trim(), 300);
  const fromIso = toIso(from);
  const toIsoValue = toIso(to);
  const rangeInvalid = fromIso !== null && toIsoValue !== null && fromIso >= toIsoValue;

  const filter: AuditLogFilter = {
    from: fromIso,
    to: toIsoValue,
    actor: debouncedActor || null,
    action: debouncedAction || null,
    galleryId: galleryId || null,
  };
  const pages = useKeysetPages(PAGE_SIZE, JSON.stringify([filter, order]));
  const log = useAuditLog({ filter, order, ...pages.variables });
  const connection = log.data;
  const page = pages.page;

  const exportParams = new URLSearchParams();
  if (fromIso) exportParams.set('from', fromIso);
  if (toIsoValue) exportParams.set('to', toIsoValue);
  if (galleryId) exportParams.set('galleryId', galleryId);
  const exportHref = (format: 'csv' | 'ndjson') =>
    `/api/audit/export?${new URLSearchParams([['format', format], ...exportParams]).toString()}`;
  const stamp = new Date().toISOString().slice(0, 10);

  const nameOf = (ref: string) => nameOfRef(ref, directory.data, galleries.data);

  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">Audit log</h1>
      <p className="muted">
        Every change, match, export and sign-in, in a hash-chained ledger that cannot be edited unnoticed.
        Recognition calls one by one: <Link href="/audit/match-events">Match events</Link>.
      </p>
      <div className="audit-top">
        <AuditChainStatus />
        <section className="panel audit-export" aria-labelledby="audit-export-title">
          <h2 id="audit-export-title">Export</h2>
          <p className="hint">
            The time range and gallery below apply; actor and action filter only the table. The file ends with
            a manifest that <code>faceledger audit verify</code> checks.
          </p>
          <div className="actions">
            {(['csv', 'ndjson'] as const).map((format) => (
              <a
                key={format}
                className={rangeInvalid ? 'button button-quiet is-disabled' : 'button button-quiet'}
                href={exportHref(format)}
                download={`faceledger-audit-${stamp}.${format}`}
                aria-disabled={rangeInvalid || undefined}
                onClick={(e) => {
                  if (rangeInvalid) {
                    e.preventDefault();
                    return;
                  }
                  // The export itself is audited: show its entry once the server has written it.
                  setTimeout(() => void client.invalidateQueries({ queryKey: ['auditLog'] }), 1500);
                }}
              >
                Download {format.toUpperCase()}
              </a>
            ))}
          </div>
        </section>
      </div>

      <form
        className="toolbar audit-filters"
        role="search"
        aria-label="Filter the audit log"
        onSubmit={(e) => e.preventDefault()}
      >
        <div className="field">
          <label htmlFor="audit-from">From</label>
          <input
            id="audit-from"
            type="datetime-local"
            value={from}
            onChange={(e) => setFrom(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="audit-to">Before</label>
          <input
            id="audit-to"
            type="datetime-local"
            value={to}
            aria-invalid={rangeInvalid || undefined}
            aria-describedby={rangeInvalid ? 'audit-to-error' : undefined}
            onChange={(e) => setTo(e.target.value)}
          />
          {rangeInvalid && (
            <p id="audit-to-error" className="field-error">
              Must be later than From.
            </p>
          )}
        </div>
        <div className="field">
          <label htmlFor="audit-actor">Actor</label>
          <input
            id="audit-actor"
            type="search"
            list={directory.data ? 'audit-actors' : undefined}
            placeholder="user:<id> or system"
            autoComplete="off"
            value={actor}
            onChange={(e) => setActor(e.target.value)}
          />
          {directory.data && (
            <datalist id="audit-actors">
              {directory.data.users.map((u) => (
                <option key={u.id} value={`user:${u.id}`}>
                  {u.email}
                </option>
              ))}
              {directory.data.apiKeys.map((k) => (
                <option key={k.id} value={`key:${k.id}`}>
                  {`${k.name} (${k.prefix})`}
                </option>
              ))}
              <option value="system">system</option>
            </datalist>
          )}
        </div>
        <div className="field">
          <label htmlFor="audit-action">Action</label>
          <input
            id="audit-action"
            type="search"
            list="audit-actions"
            placeholder="e.g. identity.erase"
            autoComplete="off"
            value={action}
            onChange={(e) => setAction(e.target.value)}
          />
          <datalist id="audit-actions">
            {KNOWN_ACTIONS.map((a) => (
              <option key={a} value={a} />
            ))}
          </datalist>
        </div>
        <div className="field">
          <label htmlFor="audit-gallery">Gallery</label>
          <select id="audit-gallery" value={galleryId} onChange={(e) => setGalleryId(e.target.value)}>
            <option value="">All</option>
            {galleries.data?.map((g) => (
              <option key={g.id} value={g.id}>
                {g.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="audit-order">Order</label>
          <select id="audit-order" value={order} onChange={(e) => setOrder(e.target.value as AuditLogOrder)}>
            <option value="NEWEST_FIRST">Newest first</option>
            <option value="OLDEST_FIRST">Oldest first</option>
          </select>
        </div>
        <div className="field audit-clear">
          <button
            type="button"
            className="button button-quiet"
            onClick={() => {
              setFrom('');
              setTo('');
              setActor('');
              setAction('');
              setGalleryId('');
            }}
          >
            Clear filters
          </button>
        </div>
      </form>

      <p role="status" className="muted">
        {log.isFetching
          ? 'Loading entries…'
          : connection
            ? `${connection.totalCount} ${connection.totalCount === 1 ? 'entry' : 'entries'} match.`
            : ''}
      </p>
      {log.error && (
        <p role="alert" className="error">
          {log.error.message}
        </p>
      )}
      {connection && connection.edges.length === 0 && !log.isFetching && (
        <p className="panel">No entry matches these filters.</p>
      )}
      {connection && connection.edges.length > 0 && (
        <div className="table-wrap">
          <table className="audit-table" aria-busy={log.isFetching}>
            <caption className="visually-hidden">Audit entries, page {page}</caption>
            <thead>
              <tr>
                <th scope="col" className="num">
                  Seq
                </th>
                <th scope="col">Time</th>
                <th scope="col">Actor</th>
                <th scope="col">Action</th>
                <th scope="col">Subject</th>
                <th scope="col">Payload</th>
                <th scope="col">Hash</th>
              </tr>
            </thead>
            <tbody>
              {connection.edges.map(({ node }) => {
                const actorName = nameOf(node.actor);
                const subjectName = nameOf(node.subject);
                return (
                  <tr key={node.seq}>
                    <th scope="row" className="num">
                      {node.seq}
                    </th>
                    <td className="small nowrap">{formatDateTime(node.at)}</td>
                    <td>
                      <RefCode value={node.actor} />
                      {actorName && <div className="muted small">{actorName}</div>}
                    </td>
                    <td>
                      <code>{node.action}</code>
                    </td>
                    <td>
                      <RefCode value={node.subject} />
                      {subjectName && <div className="muted small">{subjectName}</div>}
                    </td>
                    <td>
                      <details className="audit-payload">
                        <summary>{payloadSummary(node.payload)}</summary>
                        <pre>{JSON.stringify(node.payload, null, 2)}</pre>
                      </details>
                    </td>
                    <td>
                      <code title={node.hash}>{node.hash.slice(0, 12)}…</code>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {connection && (
        <KeysetPager
          pages={pages}
          pageInfo={connection.pageInfo}
          pageCount={Math.max(1, Math.ceil(connection.totalCount / PAGE_SIZE))}
          isFetching={log.isFetching}
        />
      )}
    </section>
  );
}
