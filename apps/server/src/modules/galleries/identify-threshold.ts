// Identify's decision threshold: an explicit override, else the model's shipped calibration for the
// gallery's target FPIR at its current number of ACTIVE identities. Never the pair (verify) threshold.
import {
  estimateIdentifyFpir,
  identifyCalibration,
  identifyThreshold,
} from '@faceledger/recognition/identify';

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
