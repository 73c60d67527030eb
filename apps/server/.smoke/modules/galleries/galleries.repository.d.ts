import { type PrismaClient } from '@faceledger/db';
import type { Transaction } from '../audit/audit.repository.js';
/** A gallery row with the number of its identities that are not erased. */
export interface GalleryRecord {
    id: string;
    name: string;
    description: string;
    matchThreshold: number;
    embeddingModelId: string;
    probeRetentionDays: number;
    forbidLikelyDuplicates: boolean;
    identityCount: number;
    createdAt: Date;
    updatedAt: Date;
}
/** The settable fields of a gallery. */
export interface GalleryFields {
    name: string;
    description: string;
    matchThreshold: number;
    embeddingModelId: string;
    probeRetentionDays: number;
    forbidLikelyDuplicates: boolean;
}
/** Counts that decide whether a gallery may be deleted or change its model. */
export interface GalleryContents {
    /** Identities that are not erased tombstones. */
    liveIdentities: number;
    faces: number;
    /** API keys restricted to this gallery and not revoked; deleting the gallery would delete them. */
    activeApiKeys: number;
}
export declare class GalleriesRepository {
    private readonly prisma;
    constructor(prisma: PrismaClient);
    findById(id: string, tx?: Transaction): Promise<GalleryRecord | null>;
    /** Every gallery, or only `onlyId` when given, by name. */
    list(onlyId?: string | null): Promise<GalleryRecord[]>;
    /** The gallery whose name equals `name` ignoring case, other than `exceptId`. */
    findByName(name: string, exceptId: string | null, tx?: Transaction): Promise<{
        id: string;
    } | null>;
    countContents(id: string, tx?: Transaction): Promise<GalleryContents>;
    create(tx: Transaction, fields: GalleryFields): Promise<GalleryRecord>;
    update(tx: Transaction, id: string, fields: Partial<GalleryFields>): Promise<GalleryRecord>;
    /** Deletes the gallery; its erased tombstones and revoked restricted API keys go with it (cascade). */
    delete(tx: Transaction, id: string): Promise<{
        tombstonesDeleted: number;
        apiKeysDeleted: number;
    }>;
}
