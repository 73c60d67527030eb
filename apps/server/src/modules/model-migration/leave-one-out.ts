// Open-set error rates of one model on a gallery's own enrolled faces, leave-one-out: the stand-in
// for an evaluation set when comparing two models of one gallery. An identify evaluation job keeps
// only the gallery model's embeddings of its uploaded photos and deletes the photos when it ends, so
// it cannot be re-scored with another model; the enrolled faces can (both models' embeddings are
// stored). Searches score identities with identify's own rule (serverRankOne: the faces identify
// reads, rankIdentities) and read the MATCH at the threshold, as identify does.
import { fnirAt, fpirAt, serverRankOne, type SearchOutcome } from '@faceledger/recognition/identify';
import { cosine } from '../../shared/cosine.js';

/** One enrolled face with its embedding under the model measured. */
export interface LooFace {
  faceId: string;
  identityId: string;
  embedding: Float32Array;
}

/** The rates at one threshold, and how many searches they rest on. */
export interface LooRates {
  matedSearches: number;
  nonMatedSearches: number;
  /** Null without mated searches or without a threshold. */
  fnir: number | null;
  /** Null without non-mated searches or without a threshold. */
  fpir: number | null;
}

/**
 * Each face is searched against the others: mated (its own face left out) when its identity has
 * another face, and non-mated with its whole identity left out (when another identity remains).
 */
export function leaveOneOutSearches(faces: readonly LooFace[]): SearchOutcome[] {
  const perIdentity = new Map<string, number>();
  for (const f of faces) perIdentity.set(f.identityId, (perIdentity.get(f.identityId) ?? 0) + 1);
  const outcomes: SearchOutcome[] = [];
  for (const probe of faces) {
    const hits = faces
      .filter((f) => f.faceId !== probe.faceId)
      .map((f) => ({
        faceId: f.faceId,
        identityId: f.identityId,
        score: cosine(probe.embedding, f.embedding),
      }))
      .sort((a, b) => b.score - a.score);
    if ((perIdentity.get(probe.identityId) ?? 0) > 1) {
      const top = serverRankOne(hits, probe.embedding);
      outcomes.push({
        mated: true,
        topScore: top?.score ?? null,
        topIsMate: top?.identityId === probe.identityId,
      });
    }
    const strangers = hits.filter((h) => h.identityId !== probe.identityId);
    if (strangers.length > 0) {
      const top = serverRankOne(strangers, probe.embedding);
      outcomes.push({ mated: false, topScore: top?.score ?? null, topIsMate: false });
    }
  }
  return outcomes;
}

/** FNIR and FPIR of the leave-one-out searches at `threshold` (identify's MATCH rule). */
export function leaveOneOutRates(faces: readonly LooFace[], threshold: number | null): LooRates {
  const searches = leaveOneOutSearches(faces);
  const matedSearches = searches.filter((s) => s.mated).length;
  const nonMatedSearches = searches.length - matedSearches;
  return {
    matedSearches,
    nonMatedSearches,
    fnir: threshold === null || matedSearches === 0 ? null : fnirAt(searches, threshold),
    fpir: threshold === null || nonMatedSearches === 0 ? null : fpirAt(searches, threshold),
  };
}
