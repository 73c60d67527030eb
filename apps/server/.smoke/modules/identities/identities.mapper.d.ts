import type { Face } from '@faceledger/schema';
import type { IdentityModel } from '@faceledger/schema/server';
import type { FaceRecord, IdentityRecord } from './identities.repository.js';
export declare function toIdentityModel(record: IdentityRecord): IdentityModel;
export declare function toFace(record: FaceRecord): Face;
