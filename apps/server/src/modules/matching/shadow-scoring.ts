// The contract of shadow mode, declared once: while a gallery's model migration is in SHADOW,
// identify asks the ShadowScorer (modules/model-migration implements it) for the call's shadow
// scoring, has its one analysis of the probe embed each face with the target model too, answers
// from the current model and hands each probe face's answer and target embedding to the scoring,
// which decides it with the target by identify's own rule (decideFace). Identify records the
// scoring's agreement counts in its own transaction and audit entry.
import type { Transaction } from '../audit/audit.repository.js';
import type { GalleryRecord } from '../galleries/galleries.repository.js';

/** What identify answered for one probe face with the current model, and what the shadow needs of it. */
export interface ShadowProbeFace {
  decision: 'MATCH' | 'UNKNOWN';
  /** The rank-1 candidate, above the threshold or not; null without candidates. */
  topIdentityId: string | null;
  /** The face's embedding under the target model, from identify's own analysis; null when the engine gave none. */
  targetEmbedding: Float32Array | null;
  /**
   * Which of `identityIds` a negative exemplar rules out for this face: identify's own check, on the
   * face's current-model embedding (a REJECT review keeps the probe of the model that answered it).
   */
  rejectedAmong(identityIds: readonly string[]): Promise<Set<string>>;
}

/** One identify call as the shadow scores it: read and ranked as identify did. */
export interface ShadowCall {
  /** Candidates ranked per face (identify's topK). */
  topK: number;
  /** Nearest faces read per probe face (topK x identify's over-fetch factor). */
  facesRead: number;
  /** In identify's order; at least one. */
  faces: readonly ShadowProbeFace[];
}

/** How the target model answered each probe face, and what to record. */
export interface ShadowResult {
  modelId: string;
  /** The target's identify threshold the decisions were read at. */
  threshold: number;
  /** One per probe face, in identify's order. */
  faces: ReadonlyArray<{
    decision: 'MATCH' | 'UNKNOWN';
    topIdentityId: string | null;
    topScore: number | null;
  }>;
  /** Agreement of this call, added to the migration's counts. */
  counts: {
    probes: number;
    sameDecision: number;
    sameTop: number;
    currentMatches: number;
    targetMatches: number;
  };
  /** Adds the counts inside identify's transaction. */
  record(tx: Transaction): Promise<void>;
}

/** Shadow mode for one identify call: the model its analysis embeds with too, and the scoring. */
export interface ShadowScoring {
  /** The target model of the gallery's migration. */
  modelId: string;
  /** Decides each probe face with the target model at its threshold. Null on a failure (logged). Never throws. */
  scoreShadow(call: ShadowCall): Promise<ShadowResult | null>;
  /** identify's analysis with the target failed and it answered without the shadow: logs why. */
  abandon(error: unknown): void;
}

/** Shadow mode of model migrations, as identify sees it. */
export interface ShadowScorer {
  /** The shadow scoring of one identify call in `gallery`; null when it is not in shadow mode. Never throws. */
  shadowFor(gallery: GalleryRecord): Promise<ShadowScoring | null>;
}
