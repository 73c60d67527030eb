/**
 * @faceledger/recognition/identify — the pure parts of 1:N identification, free of TensorFlow.js:
 * the identity scoring rule the server's identify uses and the open-set metrics `faceledger eval
 * identify` reports with it.
 */
export {
  IDENTITY_SCORING,
  rankIdentities,
  type FaceAggregation,
  type IdentityCandidate,
  type IdentityScoringRule,
  type ScoredFace,
} from './identity-scoring.js';
export {
  detCurve,
  detSvg,
  evaluateOpenSet,
  fnirAt,
  fpirAt,
  thresholdAtFpir,
  FPIR_TARGETS,
  type DetPoint,
  type DetSeries,
  type FpirKey,
  type OpenSetReport,
  type SearchOutcome,
} from './open-set-metrics.js';
export {
  buildOpenSetProtocol,
  photosByPerson,
  type OpenSetProtocol,
  type ProtocolProbe,
} from './protocol.js';
export {
  CALIBRATED_FPIR_TARGETS,
  estimateIdentifyFpir,
  identifyCalibration,
  identifyThreshold,
  NoIdentifyCalibrationError,
  type IdentifyCalibration,
} from './calibration.js';
