'use client';

// Review queue: match events that need a human (score near the threshold, flagged, or awaiting the
// second confirmation a gallery requires), newest first. Confirm / Reject / Reassign / Correct: unknown /
// Dismiss one at a time with the keyboard, or several at once; a reviewed event leaves the queue at
// once (optimistic) and the queue is fetched again. Admins set a gallery's required confirmations here.
import type { ReviewVerdict } from '@faceledger/schema/client';
import { useEffect, useRef, useState } from 'react';
import { Dialog } from '../../components/dialog';
import { hasConfirmed, ReviewCard, type ReviewDraft } from '../../components/review-card';
import { ReassignDialog } from '../../components/review-reassign-dialog';
import { useGalleries } from '../../queries/galleries';
import {
  useGalleryReviewPolicy,
  useReviewMatch,
  useReviewQueue,
  useSetGalleryReviewPolicy,
  type QueueEvent,
} from '../../queries/reviews';
import { useSession } from '../../queries/session';

const PAGE_SIZE = 10;
const NO_DRAFT: ReviewDraft = { identityId: null, note: '' };
const PAST: Record<ReviewVerdict, string> = {
  CONFIRM: 'Confirmed',
  REJECT: 'Rejected',
  REASSIGN: 'Reassigned',
  UNKNOWN: 'Marked unknown',
  DISMISS: 'Dismissed',
};

/** Verdicts a card or the keyboard records directly (REASSIGN asks for the identity first). */
type DirectVerdict = 'CONFIRM' | 'REJECT' | 'UNKNOWN' | 'DISMISS';

/** Verdicts that name no identity. */
function isNamingNobody(verdict: ReviewVerdict): boolean {
  return verdict === 'UNKNOWN' || verdict === 'DISMISS';
}

const BULK_TITLE: Record<DirectVerdict, string> = {
  CONFIRM: 'Confirm',
  REJECT: 'Reject',
  UNKNOWN: 'Mark unknown',
  DISMISS: 'Dismiss',
};

const BULK_EXPLAINED: Record<DirectVerdict, string> = {
  CONFIRM: "Each selected event's chosen candidate (rank 1 unless you picked another) is confirmed.",
  REJECT:
    "Each selected event's chosen candidate (rank 1 unless you picked another) is rejected. Each probe becomes a negative exemplar: near-identical photos will not match that identity again.",
  UNKNOWN:
    'Each selected event is marked correct: its probe shows nobody of the gallery. Nothing is learned from it; it only leaves the queue.',
  DISMISS:
    'Each selected event leaves the queue without a verdict on who it shows. Nothing is learned from it.',
};

/** The gallery's required confirmations, and for admins the control that sets them. */
function ReviewPolicy({ galleryId, canEdit }: { galleryId: string; canEdit: boolean }) {
  const policy = useGalleryReviewPolicy(galleryId);
  const set = useSetGalleryReviewPolicy(galleryId);
  const required = policy.data?.requiredConfirmations;
  if (!policy.data) return null;
  return (
    <div className="field review-policy">
      {canEdit ? (
        <>
          <label htmlFor="review-policy">Confirmations required</label>
          <select
            id="review-policy"
            value={required}
            disabled={set.isPending}
            onChange={(e) => set.mutate(Number(e.target.value))}
          >
            <option value={1}>One reviewer</option>
            <option value={2}>Two different reviewers</option>
          </select>
        </>
      ) : (
        <span className="hint">
          {required === 2
            ? 'This gallery counts an identification once two different reviewers confirm it.'
            : 'One reviewer confirms an identification.'}
        </span>
      )}
      {set.error && (
        <p role="alert" className="field-error">
          {set.error.message}
        </p>
      )}
    </div>
  );
}

/** True when a key press is typing (text fields), not a shortcut. */
function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target.closest('textarea, select')) return true;
  return (
    target instanceof HTMLInputElement && !['checkbox', 'radio', 'button', 'submit'].includes(target.type)
  );
}

export default function ReviewsPage() {
  const galleries = useGalleries();
  const [galleryId, setGalleryId] = useState('');
  const [cursors, setCursors] = useState<string[]>([]);
  const queue = useReviewQueue(galleryId, cursors.at(-1) ?? null, PAGE_SIZE);
  const review = useReviewMatch();
  const { user } = useSession();
  const userId = user?.id ?? null;
  const events = queue.data?.edges.map((edge) => edge.node) ?? [];

  const [activeId, setActiveId] = useState<string | null>(null);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [drafts, setDrafts] = useState<Record<string, ReviewDraft>>({});
  const [busy, setBusy] = useState<ReadonlySet<string>>(new Set());
  const [reassignFor, setReassignFor] = useState<QueueEvent | null>(null);
  const [reassignError, setReassignError] = useState<string | null>(null);
  const [bulk, setBulk] = useState<DirectVerdict | null>(null);
  const [bulkCount, setBulkCount] = useState(0);
  const [bulkNote, setBulkNote] = useState('');
  const [isBulkRunning, setIsBulkRunning] = useState(false);
  const [message, setMessage] = useState('');
  const [failure, setFailure] = useState('');
  const cards = useRef(new Map<string, HTMLElement>());
  const selectAll = useRef<HTMLInputElement>(null);

  const galleryName = (id: string | null) =>
    galleries.data?.find((g) => g.id === id)?.name ?? 'a deleted gallery';
  const active = events.find((e) => e.id === activeId) ?? events[0] ?? null;
  const selectedOnPage = events.filter((e) => selected.has(e.id));

  useEffect(() => {
    if (selectAll.current) {
      selectAll.current.indeterminate = selectedOnPage.length > 0 && selectedOnPage.length < events.length;
    }
  });

  function focusCard(id: string | undefined) {
    if (!id) return;
    setActiveId(id);
    requestAnimationFrame(() => {
      const card = cards.current.get(id);
      card?.focus({ preventScroll: true });
      card?.scrollIntoView({ block: 'nearest' });
    });
  }

  function move(delta: number) {
    if (events.length === 0) return;
    const index = active ? events.indexOf(active) : -1;
    focusCard(events[Math.min(events.length - 1, Math.max(0, index + delta))]?.id);
  }

  function draftOf(id: string): ReviewDraft {
    return drafts[id] ?? NO_DRAFT;
  }

  function toggle(id: string, on: boolean) {
    setSelected((current) => {
      const next = new Set(current);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  }

  function describe(event: QueueEvent, verdict: ReviewVerdict, identityId: string | null): string {
    if (isNamingNobody(verdict)) return PAST[verdict];
    const name =
      event.candidates.find((c) => c.identity.id === identityId)?.identity.displayName ??
      (identityId === null ? event.candidates[0]?.identity.displayName : undefined) ??
      'the identity';
    return `${PAST[verdict]} ${name}`;
  }

  /** Records one verdict; the event leaves the queue at once and comes back if the API refuses. */
  async function decide(
    event: QueueEvent,
    verdict: ReviewVerdict,
    identityId: string | null,
    note: string,
  ): Promise<boolean> {
    setBusy((b) => new Set(b).add(event.id));
    try {
      const result = await review.mutateAsync({ eventId: event.id, verdict, identityId, note });
      const what = isNamingNobody(verdict)
        ? PAST[verdict]
        : `${PAST[verdict]} ${result.identity?.displayName ?? 'the identity'}`;
      const pending =
        verdict === 'CONFIRM' && event.requiredConfirmations > event.confirmations + 1
          ? ` ${event.confirmations + 1} of ${event.requiredConfirmations} confirmations; another reviewer must confirm it.`
          : '';
      setMessage(`${what} (event of ${new Date(event.createdAt).toLocaleString()}).${pending}`);
      setSelected((s) => {
        const next = new Set(s);
        next.delete(event.id);
        return next;
      });
      return true;
    } catch (error) {
      setFailure(
        `${describe(event, verdict, identityId)} failed: ${error instanceof Error ? error.message : String(error)}`,
      );
      return false;
    } finally {
      setBusy((b) => {
        const next = new Set(b);
        next.delete(event.id);
        return next;
      });
    }
  }

  function decideOne(event: QueueEvent, verdict: DirectVerdict) {
    const draft = draftOf(event.id);
    const index = events.indexOf(event);
    setFailure('');
    focusCard((events[index + 1] ?? events[index - 1])?.id);
    void decide(event, verdict, isNamingNobody(verdict) ? null : draft.identityId, draft.note.trim());
  }

  function openReassign(event: QueueEvent) {
    if (event.galleryId === null) return;
    setReassignError(null);
    setReassignFor(event);
  }

  async function runBulk(verdict: DirectVerdict) {
    setIsBulkRunning(true);
    setFailure('');
    let done = 0;
    const failed: string[] = [];
    for (const event of selectedOnPage) {
      const draft = draftOf(event.id);
      const identityId = isNamingNobody(verdict) ? null : draft.identityId;
      const ok = await decide(event, verdict, identityId, draft.note.trim() || bulkNote.trim());
      if (ok) done += 1;
      else failed.push(new Date(event.createdAt).toLocaleString());
    }
    setIsBulkRunning(false);
    setBulk(null);
    setBulkNote('');
    setMessage(`${PAST[verdict]} ${done} ${done === 1 ? 'event' : 'events'}.`);
    if (failed.length)
      setFailure(
        `${failed.length} could not be recorded (events of ${failed.join(', ')}); they stay in the queue.`,
      );
  }

  // Shortcuts while not typing and no dialog is open: j/k move, x select, c confirm, r reject, a reassign,
  // u correct: unknown, d dismiss.
  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || isTyping(e.target)) return;
      if (document.querySelector('[role="dialog"], [role="alertdialog"]')) return;
      const current = active;
      switch (e.key) {
        case 'j':
          move(1);
          break;
        case 'k':
          move(-1);
          break;
        case 'x':
          if (!current) return;
          toggle(current.id, !selected.has(current.id));
          break;
        case 'c':
        case 'r':
          if (!current || busy.has(current.id) || current.candidates.length === 0) return;
          if (e.key === 'c' && hasConfirmed(current, userId)) return;
          decideOne(current, e.key === 'c' ? 'CONFIRM' : 'REJECT');
          break;
        case 'u':
        case 'd':
          if (!current || busy.has(current.id)) return;
          decideOne(current, e.key === 'u' ? 'UNKNOWN' : 'DISMISS');
          break;
        case 'a':
          if (!current) return;
          openReassign(current);
          break;
        default:
          return;
      }
      e.preventDefault();
    }
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  });

  const pageInfo = queue.data?.pageInfo;
  const page = cursors.length + 1;

  return (
    <section aria-labelledby="reviews-title">
      <h1 id="reviews-title">Review queue</h1>
      <p className="muted">
        Match events whose top score lies within 0.05 of the threshold, that were flagged (a candidate reached
        the threshold but was demoted or is suspended), or that still need a second reviewer&apos;s
        confirmation. Newest first. Reject teaches the system (similar photos will not match that person
        again); Correct: unknown (the probe shows nobody of this gallery) and Dismiss only clear an event.
      </p>
      <div className="toolbar review-toolbar">
        <div className="field">
          <label htmlFor="reviews-gallery">Gallery</label>
          <select
            id="reviews-gallery"
            value={galleryId}
            onChange={(e) => {
              setGalleryId(e.target.value);
              setCursors([]);
              setSelected(new Set());
            }}
          >
            <option value="">All galleries</option>
            {galleries.data?.map((g) => (
              <option key={g.id} value={g.id}>
                {g.name}
              </option>
            ))}
          </select>
        </div>
        {galleryId && <ReviewPolicy galleryId={galleryId} canEdit={user?.role === 'ADMIN'} />}
      </div>
      {galleries.error && (
        <p role="alert" className="error">
          {galleries.error.message}
        </p>
      )}
      <p id="reviews-keys" className="hint review-keys">
        Keyboard (when not typing): <kbd>j</kbd> / <kbd>k</kbd> next / previous, <kbd>x</kbd> select,{' '}
        <kbd>c</kbd> confirm, <kbd>r</kbd> reject, <kbd>a</kbd> reassign, <kbd>u</kbd> correct: unknown,{' '}
        <kbd>d</kbd> dismiss.
      </p>
      <p role="status" className="review-message">
        {queue.isFetching && !queue.isPending ? 'Refreshing the queue…' : message}
      </p>
      {failure && (
        <p role="alert" className="error">
          {failure}
        </p>
      )}
      {queue.isPending && <p role="status">Loading the review queue…</p>}
      {queue.error && (
        <p role="alert" className="error">
          {queue.error.message}{' '}
          <button
            type="button"
            className="button button-quiet button-small"
            onClick={() => void queue.refetch()}
          >
            Try again
          </button>
        </p>
      )}
      {queue.data && events.length === 0 && (
        <p className="panel">
          {page > 1 ? 'Nothing left on this page.' : 'Nothing needs review right now.'} Events appear here
          when a score lands near the threshold or a match is flagged.
        </p>
      )}
      {events.length > 0 && (
        <>
          <div className="bulk-bar" role="group" aria-label="Bulk actions">
            <label className="review-select">
              <input
                ref={selectAll}
                type="checkbox"
                checked={selectedOnPage.length === events.length}
                onChange={(e) =>
                  setSelected(e.target.checked ? new Set(events.map((ev) => ev.id)) : new Set())
                }
              />{' '}
              Select all on this page
            </label>
            <span className="muted">{selectedOnPage.length} selected</span>
            {(['CONFIRM', 'REJECT', 'UNKNOWN', 'DISMISS'] as const).map((verdict) => (
              <button
                key={verdict}
                type="button"
                className={
                  verdict === 'REJECT'
                    ? 'button button-small button-danger'
                    : verdict === 'CONFIRM'
                      ? 'button button-small'
                      : 'button button-small button-quiet'
                }
                disabled={selectedOnPage.length === 0 || isBulkRunning}
                onClick={() => {
                  setBulkCount(selectedOnPage.length);
                  setBulk(verdict);
                }}
              >
                {BULK_TITLE[verdict]} selected
              </button>
            ))}
          </div>
          <ol
            className="review-list"
            aria-label={`Events needing review, page ${page}`}
            aria-describedby="reviews-keys"
          >
            {events.map((event) => (
              <li key={event.id}>
                <ReviewCard
                  ref={(node) => {
                    if (node) cards.current.set(event.id, node);
                    else cards.current.delete(event.id);
                  }}
                  event={event}
                  galleryName={galleryName(event.galleryId)}
                  isActive={active?.id === event.id}
                  isSelected={selected.has(event.id)}
                  isBusy={busy.has(event.id) || isBulkRunning}
                  draft={draftOf(event.id)}
                  onDraft={(draft) => setDrafts((d) => ({ ...d, [event.id]: draft }))}
                  onSelect={(on) => toggle(event.id, on)}
                  onActivate={() => setActiveId(event.id)}
                  onConfirm={() => decideOne(event, 'CONFIRM')}
                  onReject={() => decideOne(event, 'REJECT')}
                  onReassign={() => openReassign(event)}
                  onUnknown={() => decideOne(event, 'UNKNOWN')}
                  onDismiss={() => decideOne(event, 'DISMISS')}
                  userId={userId}
                />
              </li>
            ))}
          </ol>
        </>
      )}
      {pageInfo && (pageInfo.hasNextPage || cursors.length > 0) && (
        <nav className="pager" aria-label="Pages">
          <button
            type="button"
            className="button button-quiet"
            disabled={cursors.length === 0 || queue.isFetching}
            onClick={() => setCursors((c) => c.slice(0, -1))}
          >
            ← Newer
          </button>
          <span>Page {page}</span>
          <button
            type="button"
            className="button button-quiet"
            disabled={!pageInfo.hasNextPage || !pageInfo.endCursor || queue.isFetching}
            onClick={() => {
              const cursor = pageInfo.endCursor;
              if (cursor) setCursors((c) => [...c, cursor]);
            }}
          >
            Older →
          </button>
        </nav>
      )}
      <ReassignDialog
        galleryId={reassignFor?.galleryId ?? null}
        initialNote={reassignFor ? draftOf(reassignFor.id).note : ''}
        isPending={review.isPending}
        error={reassignError}
        onCancel={() => setReassignFor(null)}
        onSubmit={(identityId, note) => {
          const event = reassignFor;
          if (!event) return;
          setReassignError(null);
          const index = events.indexOf(event);
          const next = (events[index + 1] ?? events[index - 1])?.id;
          void review
            .mutateAsync({ eventId: event.id, verdict: 'REASSIGN', identityId, note })
            .then((result) => {
              setReassignFor(null);
              setMessage(`Reassigned to ${result.identity?.displayName ?? 'the identity'}.`);
              focusCard(next);
            })
            .catch((error: unknown) =>
              setReassignError(error instanceof Error ? error.message : String(error)),
            );
        }}
      />
      <Dialog
        open={bulk !== null}
        title={bulk ? `${BULK_TITLE[bulk]} ${bulkCount} ${bulkCount === 1 ? 'event' : 'events'}?` : ''}
        onClose={() => !isBulkRunning && setBulk(null)}
      >
        <p>{bulk && BULK_EXPLAINED[bulk]}</p>
        <div className="field">
          <label htmlFor="bulk-note">Note for events without their own (optional)</label>
          <textarea
            id="bulk-note"
            rows={2}
            maxLength={2000}
            value={bulkNote}
            onChange={(e) => setBulkNote(e.target.value)}
          />
        </div>
        <div className="actions">
          <button
            type="button"
            data-autofocus
            className={bulk === 'REJECT' ? 'button button-danger' : 'button'}
            disabled={isBulkRunning}
            onClick={() => bulk && void runBulk(bulk)}
          >
            {isBulkRunning ? 'Recording…' : bulk ? `${BULK_TITLE[bulk]} all` : ''}
          </button>
          <button
            type="button"
            className="button button-quiet"
            disabled={isBulkRunning}
            onClick={() => setBulk(null)}
          >
            Cancel
          </button>
        </div>
      </Dialog>
    </section>
  );
}
