// Turns engine faces and database records into the GraphQL models that enrollment, matching and
// reviews return. Never copies embeddings.
import type { Face as EngineFace } from '@faceledger/recognition';
import type { DetectedFace, Face } from '@faceledger/schema';
import type { IdentityModel } from '@faceledger/schema/server';
import type { FaceRecord, IdentityRecord } from '../identities/identities.repository.js';

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

export function toIdentityModel(record: IdentityRecord): IdentityModel {
  return {
    ...record,
    metadata: record.metadata,
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
    consentGivenAt: record.consentGivenAt?.toISOString() ?? null,
  };
}

export function toFaceModel(record: FaceRecord): Face {
  return { ...record, createdAt: record.createdAt.toISOString() };
}
