// Quality of a face as small badges: the overall score and each reason that lowered it, in words.

const REASON_LABEL: Record<string, string> = {
  SMALL_FACE: 'Small face',
  FACE_TOO_SMALL: 'Face too small',
  BLURRY: 'Blurry',
  TOO_DARK: 'Too dark',
  TOO_BRIGHT: 'Too bright',
  LOW_CONTRAST: 'Low contrast',
  LARGE_YAW: 'Head turned',
  POSE_YAW: 'Head turned',
  LARGE_PITCH: 'Head tilted up/down',
  POSE_PITCH: 'Head tilted up/down',
  LARGE_ROLL: 'Head tilted sideways',
  POSE_ROLL: 'Head tilted sideways',
  LOW_DETECTION_SCORE: 'Unclear face',
  LOW_QUALITY: 'Low quality',
  SPOOF_SUSPECTED: 'Possible photo of a photo',
  NOT_LIVE: 'Not live',
};

/** A reason code in words ("BLURRY" becomes "Blurry"); unknown codes are shown as they are. */
export function reasonLabel(code: string): string {
  return REASON_LABEL[code] ?? code;
}

/** Reads { score, reasons } from a face's quality JSON. */
export function qualityOf(value: unknown): { score: number | null; reasons: string[] } {
  if (!value || typeof value !== 'object') return { score: null, reasons: [] };
  const { score, reasons } = value as Record<string, unknown>;
  return {
    score: typeof score === 'number' ? score : null,
    reasons: Array.isArray(reasons) ? reasons.filter((r): r is string => typeof r === 'string') : [],
  };
}

export function QualityBadges({ score, reasons }: { score: number | null; reasons: readonly string[] }) {
  const level = score === null ? 'badge-muted' : score >= 0.7 ? 'badge-ok' : score >= 0.4 ? 'badge-warn' : 'badge-bad';
  return (
    <ul className="badges" aria-label="Quality">
      <li className={`badge ${level}`}>
        Quality {score === null ? 'unknown' : `${Math.round(score * 100)}%`}
      </li>
      {reasons.map((reason) => (
        <li key={reason} className="badge badge-warn">
          {reasonLabel(reason)}
        </li>
      ))}
    </ul>
  );
}
