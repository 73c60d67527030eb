// Identify's decision threshold: an explicit override, else the model's shipped calibration for the
// gallery's target FPIR at its current number of ACTIVE identities. Never the pair (verify) threshold.
import {
  estimateIdentifyFpir,
  IDENTITY_SCORING,
  identifyCalibration,
  identifyThreshold,
} from '@faceledger/recognition/identify';

/**
 * The highest score identify's rule can give: the mean of cosines (at most 1) plus w x the margin to
 * a rival (a cosine, at least -1), so 1 + 2w (2.5 with the shipped w = 0.75).
 */
export const MAX_IDENTIFY_SCORE = 1 + 2 * IDENTITY_SCORING.marginWeight;

/** What the identify threshold of a gallery is and where it comes from. */
export interface EffectiveIdentifyThreshold {
  /** Null when the model has no calibration and no override is set. */
  threshold: number | null;
  source: 'CALIBRATED' | 'OVERRIDE' | 'NONE';
  /** Estimated FPIR of `threshold` at the gallery's size, from the calibration; null without one. */
  estimatedFpir: number | null;
}

/** The gallery fields identify's threshold depends on. */
export interface IdentifyThresholdInputs {
  embeddingModelId: string;
  identifyTargetFpir: number;
  identifyThresholdOverride: number | null;
  activeIdentityCount: number;
}

export function effectiveIdentifyThreshold(g: IdentifyThresholdInputs): EffectiveIdentifyThreshold {
  const calibrated = identifyCalibration(g.embeddingModelId) !== null;
  const size = Math.max(1, g.activeIdentityCount);
  const threshold =
    g.identifyThresholdOverride ??
    (calibrated ? identifyThreshold(g.embeddingModelId, g.identifyTargetFpir, size) : null);
  return {
    threshold,
    source: g.identifyThresholdOverride !== null ? 'OVERRIDE' : calibrated ? 'CALIBRATED' : 'NONE',
    estimatedFpir:
      calibrated && threshold !== null
        ? estimateIdentifyFpir(g.embeddingModelId, threshold, size).fpir
        : null,
  };
}
