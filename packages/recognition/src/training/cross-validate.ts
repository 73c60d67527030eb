import {
  accuracyAt,
  bestThreshold,
  foldReport,
  type ScoredPair,
  type VerificationReport,
} from '../metrics.js';
import { cosineSimilarity } from '../models/embedder.js';
import {
  applyProjectionHead,
  trainProjectionHead,
  type HeadTrainingOptions,
  type LabelledEmbedding,
} from './projection-head.js';

/** A verification pair by identity labels and embeddings (null when the image had no face). */
export interface LabelledPair {
  fold: number;
  same: boolean;
  labels: [string, string];
  a: Float32Array | null;
  b: Float32Array | null;
}

/**
 * Cross-validates a projection head under the LFW protocol without ever training on a tested person:
 * for each fold k a head is trained on every sample whose label appears in no pair of fold k, fold k's
 * threshold is chosen on the other folds (scored with that same head) and fold k is scored. The ROC and
 * its figures pool each pair's score from the head that did not see it.
 */
export async function crossValidateHead(
  pairs: readonly LabelledPair[],
  samples: readonly LabelledEmbedding[],
  options: Partial<HeadTrainingOptions> = {},
  onFold?: (fold: number, accuracy: number) => void,
): Promise<VerificationReport & { trainedOn: { identities: number; images: number }[] }> {
  const folds = [...new Set(pairs.map((p) => p.fold))].sort((a, b) => a - b);
  const foldAccuracy: number[] = [];
  const foldThreshold: number[] = [];
  const trainedOn: { identities: number; images: number }[] = [];
  const pooled: ScoredPair[] = [];
  for (const fold of folds) {
    const tested = new Set(pairs.filter((p) => p.fold === fold).flatMap((p) => p.labels));
    const head = await trainProjectionHead(
      samples.filter((s) => !tested.has(s.label)),
      options,
    );
    trainedOn.push(head.trainedOn);
    const scored: ScoredPair[] = pairs.map((p) => ({
      fold: p.fold,
      same: p.same,
      score:
        p.a && p.b ? cosineSimilarity(applyProjectionHead(head, p.a), applyProjectionHead(head, p.b)) : null,
    }));
    const threshold = bestThreshold(scored.filter((p) => p.fold !== fold));
    const test = scored.filter((p) => p.fold === fold);
    foldThreshold.push(threshold);
    foldAccuracy.push(accuracyAt(test, threshold));
    pooled.push(...test);
    onFold?.(fold, foldAccuracy[foldAccuracy.length - 1] as number);
  }
  return { ...foldReport(foldAccuracy, foldThreshold, pooled), trainedOn };
}
