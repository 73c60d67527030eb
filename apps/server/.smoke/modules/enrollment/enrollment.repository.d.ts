import type { Prisma, PrismaClient } from '@faceledger/db';
import type { Transaction } from '../audit/audit.repository.js';
import type { FaceRecord } from '../identities/identities.repository.js';
/** A face to store. */
export interface NewFace {
    identityId: string;
    imageKey: string;
    box: Prisma.InputJsonObject;
    landmarks: Prisma.InputJsonObject;
    quality: Prisma.InputJsonObject;
    modelId: string;
    embedding: ArrayLike<number>;
}
export declare class EnrollmentRepository {
    private readonly prisma;
    constructor(prisma: PrismaClient);
    /** A face of the gallery enrolled from the same image (same sha256), if any. */
    findFaceByImage(galleryId: string, imageKey: string): Promise<{
        faceId: string;
        identityId: string;
    } | null>;
    /** Inserts the face inside `tx` and returns it without its embedding. */
    insertFace(tx: Transaction, face: NewFace): Promise<FaceRecord>;
}
