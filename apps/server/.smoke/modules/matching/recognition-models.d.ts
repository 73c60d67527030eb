import type { Face as EngineFace } from '@faceledger/recognition';
import type { DetectedFace, Face } from '@faceledger/schema';
import type { IdentityModel } from '@faceledger/schema/server';
import type { FaceRecord, IdentityRecord } from '../identities/identities.repository.js';
/** An engine face as the API shows it: geometry, quality and spoof scores. */
export declare function toDetectedFace(face: EngineFace): DetectedFace;
export declare function toIdentityModel(record: IdentityRecord): IdentityModel;
export declare function toFaceModel(record: FaceRecord): Face;
