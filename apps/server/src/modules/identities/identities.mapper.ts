// Turns identity and face rows into the API's shapes (ISO dates; never an embedding).
import type { Face } from '@faceledger/schema';
import type { IdentityModel } from '@faceledger/schema/server';
import type { FaceRecord, IdentityRecord } from './identities.repository.js';

export function toIdentityModel(record: IdentityRecord): IdentityModel {
  return {
    id: record.id,
    galleryId: record.galleryId,
    externalId: record.externalId,
    displayName: record.displayName,
    metadata: record.metadata,
    consentGivenAt: record.consentGivenAt?.toISOString() ?? null,
    consentGivenBy: record.consentGivenBy,
    status: record.status,
    faceCount: record.faceCount,
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
  };
}

export function toFace(record: FaceRecord): Face {
  return {
    id: record.id,
    imageKey: record.imageKey,
    box: record.box,
    landmarks: record.landmarks,
    quality: record.quality,
    modelId: record.modelId,
    createdAt: record.createdAt.toISOString(),
  };
}
