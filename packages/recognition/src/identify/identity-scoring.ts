/** One enrolled face read for a probe: its identity and its cosine similarity to the probe. */
export interface ScoredFace {
  /** The enrolled face. */
  faceId: string;
  /** The identity the face is enrolled under. */
  identityId: string;
  /** Cosine similarity to the probe, -1..1. */
  score: number;
}

/** One identity proposed for a probe: its score under the identity scoring rule and its best face. */
export interface IdentityCandidate {
  /** The identity. */
  identityId: string;
  /** Its face most similar to the probe (the one a reviewer is shown). */
  faceId: string;
  /** The identity's score (the rule of IDENTITY_SCORING); compared with the gallery's threshold. */
  score: number;
  /** 1-based rank. */
  rank: number;
}

/** How the faces of one identity combine into its score. */
export type FaceAggregation = 'best-face' | 'mean-top2';

/** A rule turning the faces read for a probe into ranked identities. */
export interface IdentityScoringRule {
  /** best-face: the most similar face; mean-top2: the mean of the two most similar (one face: that face). */
  aggregation: FaceAggregation;
  /**
   * Weight w of the margin to the second candidate: an identity scoring s, whose best rival among
   * the faces read scores r, gets s + w (s - r) (a lone identity takes the lowest score read as r).
   * 0 turns it off; it never changes the order of the candidates.
   */
  marginWeight: number;
}

/**
 * The rule identify ships, chosen on LFW dev data with `faceledger eval identify --variants` (numbers
 * in the README): an identity scores the mean of its two most similar faces among those read, plus
 * 0.75 x its margin to the best rival. Against the best face's raw cosine it lowered FNIR at FPIR
 * 1e-2 from 31.2% to 22.8% (1 photo enrolled) and from 12.4% to 7.6% (3 photos). Scores are no
 * longer cosines: a clear rank-1 can pass 1, and thresholds must come from `eval identify`.
 */
export const IDENTITY_SCORING: Readonly<IdentityScoringRule> = Object.freeze({
  aggregation: 'mean-top2',
  marginWeight: 0.75,
});

/**
 * The identity scoring rule of identify, shared by the server and `faceledger eval identify`: each
 * identity among `hits` gets the score of the rule, identities are ranked by it (a stable sort: ties keep the order of the hits)
 * and the first `topK` kept. Needs only the faces read (the server reads topK x 10 nearest).
 */
export function rankIdentities(
  hits: readonly ScoredFace[],
  topK: number,
  rule: Readonly<IdentityScoringRule> = IDENTITY_SCORING,
): IdentityCandidate[] {
  const byIdentity = new Map<string, ScoredFace[]>();
  for (const hit of hits) {
    const faces = byIdentity.get(hit.identityId);
    if (faces) faces.push(hit);
    else byIdentity.set(hit.identityId, [hit]);
  }
  const scored: Array<{ identityId: string; faceId: string; score: number }> = [];
  for (const [identityId, faces] of byIdentity) {
    faces.sort((a, b) => b.score - a.score);
    const best = faces[0] as ScoredFace;
    const second = faces[1];
    const score = rule.aggregation === 'mean-top2' && second ? (best.score + second.score) / 2 : best.score;
    scored.push({ identityId, faceId: best.faceId, score });
  }
  scored.sort((a, b) => b.score - a.score);
  const lowest = hits.reduce((min, h) => Math.min(min, h.score), Infinity);
  return scored.slice(0, topK).map((c, i) => {
    const rival = i === 0 ? (scored[1]?.score ?? lowest) : (scored[0] as { score: number }).score;
    const score = rule.marginWeight ? c.score + rule.marginWeight * (c.score - rival) : c.score;
    return { ...c, score, rank: i + 1 };
  });
}
