'use client';

// One sighting (one person passing one camera): its best face crop with the face outlined, who it was
// (a watchlist match, or which unknown cluster), the camera, when, and the scores.
import Link from 'next/link';
import { formatDateTime } from '../lib/format';
import type { Sighting } from '../queries/sightings';
import { StoredFaceImage } from './face-image';

/** "Match: Colin Powell" or "unknown #3". */
export function sightingWho(sighting: Sighting): string {
  if (sighting.decision === 'MATCH' && sighting.identity)
    return sighting.identity.displayName ?? 'A watchlist person';
  return sighting.cluster?.label ?? 'Unknown person';
}

export function SightingCard({ sighting, headingLevel = 3 }: { sighting: Sighting; headingLevel?: 2 | 3 }) {
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  const who = sightingWho(sighting);
  const when = formatDateTime(sighting.startedAt);
  const seconds = Math.max(0, (Date.parse(sighting.endedAt) - Date.parse(sighting.startedAt)) / 1000);
  return (
    <article className="face-card sighting-card" aria-label={`${who} at ${sighting.cameraName}, ${when}`}>
      <div className="face-frame">
        {sighting.cropImageKey ? (
          <StoredFaceImage
            imageKey={sighting.cropImageKey}
            box={sighting.cropBox ?? null}
            size={256}
            label={`Best face of ${who} at ${sighting.cameraName}, the face outlined`}
          />
        ) : (
          <span className="muted small">The face crop is no longer kept.</span>
        )}
      </div>
      <Heading className="sighting-who">
        {sighting.decision === 'MATCH' ? (
          <span className="badge badge-ok">Match</span>
        ) : (
          <span className="badge badge-warn">Unknown</span>
        )}{' '}
        {sighting.identity ? <Link href={`/identities/${sighting.identity.id}`}>{who}</Link> : who}
      </Heading>
      <p className="small sighting-facts">
        {sighting.cameraName} · <time dateTime={sighting.startedAt}>{when}</time>
        <br />
        <span className="muted">
          {sighting.frames} {sighting.frames === 1 ? 'frame' : 'frames'} over {seconds.toFixed(1)} s, quality{' '}
          {Math.round(sighting.quality * 100)}%
          {sighting.score !== null &&
            `, score ${sighting.score.toFixed(3)}${sighting.threshold !== null ? ` (threshold ${sighting.threshold.toFixed(2)})` : ''}`}
        </span>
        {sighting.similarity !== null && (
          <>
            <br />
            <strong>Similarity {sighting.similarity.toFixed(3)}</strong>
          </>
        )}
      </p>
    </article>
  );
}

/** Sightings as a grid of cards, newest first as given. */
export function SightingGrid({ sightings, label }: { sightings: readonly Sighting[]; label: string }) {
  return (
    <ul className="faces sighting-grid" aria-label={label}>
      {sightings.map((sighting) => (
        <li key={sighting.id}>
          <SightingCard sighting={sighting} />
        </li>
      ))}
    </ul>
  );
}
