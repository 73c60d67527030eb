// An identity's template strength (Identity.templateStrength): a badge for the identity list, and the
// line on the identity page that says how many of the recommended photos it has and what to add.
import type { TemplateLevel } from '@faceledger/schema/client';

const LEVELS: Record<TemplateLevel, { label: string; className: string }> = {
  WEAK: { label: 'Weak', className: 'badge-bad' },
  FAIR: { label: 'Fair', className: 'badge-warn' },
  STRONG: { label: 'Strong', className: 'badge-ok' },
};

export interface Strength {
  level: TemplateLevel;
  goodFaces: number;
  recommendedFaces: number;
  hint?: string | null;
}

/** "Weak 1/3": the level and good photos out of the recommended number. */
export function TemplateStrengthBadge({ strength }: { strength: Strength | null | undefined }) {
  if (!strength) return <span className="muted">–</span>;
  const { label, className } = LEVELS[strength.level];
  return (
    <span
      className={`badge ${className}`}
      title={`${strength.goodFaces} of ${strength.recommendedFaces} recommended good photos`}
    >
      {label} {strength.goodFaces}/{strength.recommendedFaces}
    </span>
  );
}

/** The identity page's line: the badge and what to add (a status, so it is read out after an enrollment). */
export function TemplateStrengthHint({ strength }: { strength: Strength | null | undefined }) {
  if (!strength) return null;
  return (
    <p role="status" className="template-strength">
      <TemplateStrengthBadge strength={strength} />{' '}
      {strength.hint ?? `${strength.goodFaces} good photos: enough for identify.`}
    </p>
  );
}
