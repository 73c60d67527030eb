import { type PrismaClient } from '@faceledger/db';
import type { ImageStore } from '../../infrastructure/image-store/image-store.js';
import type { Transaction } from '../audit/audit.repository.js';
/**
 * What a tombstone keeps instead of personal data: the id (which the audit trail names), gallery,
 * status ERASED and timestamps. The placeholders say nothing about the person; externalId embeds
 * the identity's own id so it stays unique in the gallery and the real externalId can be reused.
 */
export declare const ERASED_DISPLAY_NAME = "[erased]";
export declare function erasedExternalId(identityId: string): string;
/** What one erasure removed inside the transaction. */
export interface ErasureCounts {
    facesDeleted: number;
    matchCandidatesDeleted: number;
    /** Match events whose probe embedding and probe image were cleared. */
    probesCleared: number;
}
/** Outcome of the transactional part; `imageKeys` are deleted from the store after commit. */
export type ErasureOutcome = {
    alreadyErased: true;
} | {
    alreadyErased: false;
    counts: ErasureCounts;
    imageKeys: string[];
};
export declare class IdentityErasureRepository {
    private readonly prisma;
    private readonly images;
    constructor(prisma: PrismaClient, images: ImageStore);
    /**
     * Erases inside `tx`. Locks the identity row first, so an enrollment that checks the status under
     * FOR SHARE waits for this transaction and then sees ERASED. Null when the identity does not exist.
     */
    eraseWithin(tx: Transaction, identityId: string): Promise<ErasureOutcome | null>;
    /** The keys among `keys` that no face and no match event uses. */
    findUnreferencedImageKeys(keys: readonly string[], tx?: Transaction): Promise<string[]>;
    /** Deletes the images (and their thumbnails) from the store; returns how many were there. */
    deleteImages(keys: readonly string[]): Promise<number>;
}
