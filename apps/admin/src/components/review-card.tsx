'use client';

// One match event in the review queue: the probe photo, large enough to judge (the face under review
// outlined), beside the chosen candidate's enrolled faces, the ranked candidates (pick which one a
// verdict names), a note, and Confirm / Reject / Reassign / Unknown (correct: a stranger) / Dismiss.
// Where the gallery requires two confirmations it says how many it has and who gave them.
import Link from 'next/link';
import { useId, type Ref } from 'react';
import { formatDateTime } from '../lib/format';
import type { QueueEvent } from '../queries/reviews';
import { RefCode } from './audit-ref';
import { boxOf, StoredFaceImage } from './face-image';
import { ScoreBar, scoreFloor } from './identify-score-bar';

/** What the reviewer has chosen so far for one event. */
export interface ReviewDraft {
  /** The candidate a CONFIRM or REJECT names; null: the top candidate. */
  identityId: string | null;
  note: string;
}

/** Enrolled faces shown per candidate; the identity page has them all. */
const MAX_FACES = 4;

/** True while the gallery wants more different reviewers to confirm this event. */
export function isAwaitingConfirmation(event: QueueEvent): boolean {
  return event.requiredConfirmations > 1 && !event.confirmed;
}

/** Whether `userId` already confirmed the identity of the event's latest CONFIRM. */
export function hasConfirmed(event: QueueEvent, userId: string | null): boolean {
  const last = event.reviews.findLast((r) => r.verdict === 'CONFIRM');
  return (
    userId !== null &&
    last !== undefined &&
    event.reviews.some(
      (r) => r.verdict === 'CONFIRM' && r.reviewerId === userId && r.identity?.id === last.identity?.id,
    )
  );
}

/** A flagged event: a candidate reached the threshold but the decision is not MATCH (demoted or suspended). */
export function isFlagged(event: QueueEvent): boolean {
  return (
    event.threshold !== null &&
    event.topScore !== null &&
    event.topScore >= event.threshold &&
    event.decision !== 'MATCH'
  );
}

export function ReviewCard({
  ref,
  event,
  galleryName,
  isActive,
  isSelected,
  isBusy,
  draft,
  onDraft,
  onSelect,
  onActivate,
  onConfirm,
  onReject,
  onReassign,
  onUnknown,
  onDismiss,
  userId,
}: {
  ref?: Ref<HTMLElement>;
  event: QueueEvent;
  galleryName: string;
  isActive: boolean;
  isSelected: boolean;
  isBusy: boolean;
  draft: ReviewDraft;
  onDraft: (draft: ReviewDraft) => void;
  onSelect: (selected: boolean) => void;
  onActivate: () => void;
  onConfirm: () => void;
  onReject: () => void;
  onReassign: () => void;
  onUnknown: () => void;
  onDismiss: () => void;
  /** The signed-in reviewer, who may not confirm the same identification twice. */
  userId: string | null;
}) {
  const titleId = useId();
  const noteId = useId();
  const threshold = event.threshold ?? 0;
  const floor = scoreFloor(
    event.candidates.map((c) => c.score),
    threshold,
  );
  const chosen =
    event.candidates.find((c) => c.identity.id === draft.identityId) ?? event.candidates[0] ?? null;
  const hasCandidate = chosen !== null;
  const chosenFaces = chosen?.identity.faces ?? [];
  const when = formatDateTime(event.createdAt);
  const confirmedBy = event.reviews.filter((r) => r.verdict === 'CONFIRM');
  const isOwnConfirmation = hasConfirmed(event, userId);

  return (
    <article
      ref={ref}
      tabIndex={-1}
      aria-labelledby={titleId}
      className={isActive ? 'review-card panel is-active' : 'review-card panel'}
      onFocusCapture={onActivate}
      onClick={onActivate}
    >
      <header className="review-head">
        <label className="review-select">
          <input type="checkbox" checked={isSelected} onChange={(e) => onSelect(e.target.checked)} />
          <span className="visually-hidden">Select the event of {when}</span>
        </label>
        <h2 id={titleId} className="review-title">
          {event.kind === 'VERIFY' ? 'Verify' : 'Identify'} in {galleryName}
          <span className="muted small"> · {when}</span>
        </h2>
        <ul className="badges" aria-label="Why it needs review">
          {isFlagged(event) ? (
            <li className="badge badge-bad">Flagged: demoted or suspended</li>
          ) : event.threshold !== null &&
            event.topScore !== null &&
            Math.abs(event.topScore - event.threshold) <= 0.05 ? (
            <li className="badge badge-warn">Near the threshold</li>
          ) : null}
          {isAwaitingConfirmation(event) && (
            <li className="badge badge-role">
              Confirmations {event.confirmations} of {event.requiredConfirmations}
            </li>
          )}
          <li className="badge badge-muted">
            {event.decision === 'MATCH'
              ? 'Decided: match'
              : event.decision === 'NO_MATCH'
                ? 'Decided: no match'
                : 'Decided: unknown'}
          </li>
        </ul>
      </header>
      <p className="muted small review-facts">
        Top score {event.topScore === null ? '—' : event.topScore.toFixed(3)}, threshold{' '}
        {event.threshold?.toFixed(2) ?? '—'}, model <code>{event.modelId}</code>
        {event.requester && (
          <>
            , by <RefCode value={event.requester} />
          </>
        )}
      </p>
      {isAwaitingConfirmation(event) && (
        <p className="small review-confirmations">
          This gallery counts an identification only once {event.requiredConfirmations} different reviewers
          confirm it.
          {confirmedBy.length > 0 &&
            ` Confirmed so far by ${confirmedBy.map((r) => r.reviewerEmail ?? 'a reviewer').join(', ')}.`}
          {isOwnConfirmation && ' You confirmed it already; another reviewer must confirm it.'}
        </p>
      )}
      <div className="review-compare">
        <figure className="review-figure">
          <div className="face-frame">
            {event.probeImageAvailable ? (
              <StoredFaceImage
                imageKey={event.probeSha256}
                box={event.probeBox}
                size={512}
                label={
                  event.probeBox
                    ? `Probe photo of the event of ${when}, the face under review outlined`
                    : `Probe photo of the event of ${when}`
                }
              />
            ) : (
              <span className="muted small review-gone">
                The probe photo is no longer kept (the gallery&apos;s retention).
              </span>
            )}
          </div>
          <figcaption>Probe</figcaption>
        </figure>
        <figure className="review-figure">
          {chosen ? (
            <ul className="review-faces" aria-label={`Enrolled faces of ${chosen.identity.displayName}`}>
              {chosenFaces.slice(0, MAX_FACES).map((face) => (
                <li key={face.id} className="face-frame">
                  {face.imageKey && (
                    <StoredFaceImage
                      imageKey={face.imageKey}
                      box={boxOf(face.box)}
                      size={128}
                      label={`Enrolled face of ${chosen.identity.displayName}`}
                    />
                  )}
                </li>
              ))}
              {chosenFaces.length === 0 && <li className="muted small">No enrolled face left.</li>}
            </ul>
          ) : (
            <p className="muted small">No candidate.</p>
          )}
          <figcaption>
            {chosen ? (
              <>
                <Link href={`/identities/${chosen.identity.id}`}>{chosen.identity.displayName}</Link>{' '}
                <code className="muted">{chosen.identity.externalId}</code>
                {chosenFaces.length > MAX_FACES && (
                  <span className="muted small"> (+{chosenFaces.length - MAX_FACES} more)</span>
                )}
              </>
            ) : (
              'Candidate'
            )}
          </figcaption>
        </figure>
      </div>
      {event.candidates.length > 0 && (
        <fieldset className="review-candidates">
          <legend>Candidate the verdict is about</legend>
          {event.candidates.map((candidate) => (
            <label key={candidate.identity.id} className="review-candidate">
              <input
                type="radio"
                name={`candidate-${event.id}`}
                value={candidate.identity.id}
                checked={chosen?.identity.id === candidate.identity.id}
                onChange={() => onDraft({ ...draft, identityId: candidate.identity.id })}
              />
              <span className="review-candidate-name">
                {candidate.rank}. {candidate.identity.displayName}{' '}
                <code className="muted">{candidate.identity.externalId}</code>
                {candidate.identity.status !== 'ACTIVE' && (
                  <span className="badge badge-warn"> {candidate.identity.status.toLowerCase()}</span>
                )}
              </span>
              <ScoreBar score={candidate.score} threshold={threshold} floor={floor} />
            </label>
          ))}
        </fieldset>
      )}
      <div className="field">
        <label htmlFor={noteId}>Note (optional)</label>
        <textarea
          id={noteId}
          rows={2}
          maxLength={2000}
          value={draft.note}
          onChange={(e) => onDraft({ ...draft, note: e.target.value })}
        />
      </div>
      <div className="actions">
        <button
          type="button"
          className="button"
          disabled={isBusy || !hasCandidate || isOwnConfirmation}
          aria-keyshortcuts={isActive ? 'c' : undefined}
          onClick={onConfirm}
        >
          Confirm <kbd aria-hidden="true">c</kbd>
        </button>
        <button
          type="button"
          className="button button-danger"
          disabled={isBusy || !hasCandidate}
          aria-keyshortcuts={isActive ? 'r' : undefined}
          onClick={onReject}
        >
          Reject <kbd aria-hidden="true">r</kbd>
        </button>
        <button
          type="button"
          className="button button-quiet"
          disabled={isBusy || event.galleryId === null}
          aria-keyshortcuts={isActive ? 'a' : undefined}
          onClick={onReassign}
        >
          Reassign… <kbd aria-hidden="true">a</kbd>
        </button>
        <button
          type="button"
          className="button button-quiet"
          disabled={isBusy}
          aria-keyshortcuts={isActive ? 'u' : undefined}
          onClick={onUnknown}
        >
          Correct: unknown <kbd aria-hidden="true">u</kbd>
        </button>
        <button
          type="button"
          className="button button-quiet"
          disabled={isBusy}
          aria-keyshortcuts={isActive ? 'd' : undefined}
          onClick={onDismiss}
        >
          Dismiss <kbd aria-hidden="true">d</kbd>
        </button>
      </div>
    </article>
  );
}
