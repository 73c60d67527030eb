// Turns engine faces into the GraphQL models that enrollment, matching and reviews return, and
// re-exports the identities module's mappers for records. Never copies embeddings.
import type { Face as EngineFace } from '@faceledger/recognition';
import type { DetectedFace } from '@faceledger/schema';

/** An engine face as the API shows it: geometry, quality and spoof scores. */
export function toDetectedFace(face: EngineFace): DetectedFace {
  const q = face.quality;
  return {
    box: { ...face.box },
    detectionScore: face.score,
    landmarks: {
      rightEye: { ...face.landmarks.rightEye },
      leftEye: { ...face.landmarks.leftEye },
      nose: { ...face.landmarks.nose },
      rightMouth: { ...face.landmarks.rightMouth },
      leftMouth: { ...face.landmarks.leftMouth },
    },
    pose: { ...face.pose },
    quality: {
      score: q.score,
      eyeDistance: q.eyeDistance,
      sharpness: q.sharpness,
      brightness: q.brightness,
      contrast: q.contrast,
      reasons: [...q.reasons],
    },
    spoof: { antispoof: face.spoof.antispoof, liveness: face.spoof.liveness },
  };
}

export { toIdentityModel, toFace as toFaceModel } from '../identities/identities.mapper.js';
