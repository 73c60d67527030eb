// The contract of shadow mode, declared once: while a gallery's model migration is in SHADOW,
// identify answers from the current model and hands each probe face's answer to a ShadowScorer
// (modules/model-migration implements it), which scores the same image with the target model.
// Identify records the scorer's agreement counts in its own transaction and audit entry.
import type { FaceBox } from '@faceledger/schema';
import type { Transaction } from '../audit/audit.repository.js';
import type { GalleryRecord } from '../galleries/galleries.repository.js';

/** What identify answered for one probe face with the current model. */
export interface ShadowProbeFace {
  box: FaceBox;
  decision: 'MATCH' | 'UNKNOWN';
  /** The rank-1 candidate, above the threshold or not; null without candidates. */
  topIdentityId: string | null;
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

/** Scores a probe with the gallery's shadow model; null when the gallery is not in shadow mode. Never throws. */
export interface ShadowScorer {
  scoreShadow(
    gallery: GalleryRecord,
    image: Uint8Array,
    faces: readonly ShadowProbeFace[],
  ): Promise<ShadowResult | null>;
}
