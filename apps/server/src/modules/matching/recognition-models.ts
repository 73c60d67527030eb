// Turns engine faces into the GraphQL models that enrollment, matching and reviews return, and
// re-exports the identities module's mappers for records. Never copies embeddings.
import type { Box, Face as EngineFace } from '@faceledger/recognition';
import type { DetectedFace, FaceBox } from '@faceledger/schema';

/** A face box as stored and shown: the four numbers, nothing else the engine may carry. */
export function toFaceBox(box: Box): FaceBox {
  return { x: box.x, y: box.y, width: box.width, height: box.height };
}

/** An engine face as the API shows it: geometry, quality and spoof scores. */
export function toDetectedFace(face: EngineFace): DetectedFace {
  const q = face.quality;
  return {
    box: toFaceBox(face.box),
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
