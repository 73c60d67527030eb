/**
 * @faceledger/recognition/identify — the pure parts of 1:N identification, free of TensorFlow.js:
 * the identity scoring rule the server's identify uses and the open-set protocol, searches and metrics
 * `faceledger eval identify` and the server's identify evaluation report with it.
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
  buildGallery,
  searchProbes,
  serverRankOne,
  SERVER_TOP_K,
  type GalleryFace,
  type OpenSetGallery,
} from './open-set-eval.js';
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
