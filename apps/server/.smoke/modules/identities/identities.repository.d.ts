import { Prisma, type IdentityStatus, type PrismaClient } from '@faceledger/db';
import type { PageRequest } from '../../shared/relay-pagination.js';
import type { Transaction } from '../audit/audit.repository.js';
/** An identity row with the number of its enrolled faces. */
export interface IdentityRecord {
    id: string;
    galleryId: string;
    externalId: string;
    displayName: string;
    metadata: Prisma.JsonValue;
    consentGivenAt: Date | null;
    consentGivenBy: string | null;
    status: IdentityStatus;
    faceCount: number;
    createdAt: Date;
    updatedAt: Date;
}
/** The fields a caller sets on an identity. */
export interface IdentityFields {
    externalId: string;
    displayName: string;
    metadata: Prisma.InputJsonObject;
    consentGivenAt: Date | null;
    consentGivenBy: string | null;
}
/** An enrolled face without its embedding. */
export interface FaceRecord {
    id: string;
    identityId: string;
    imageKey: string;
    box: Prisma.JsonValue;
    landmarks: Prisma.JsonValue;
    quality: Prisma.JsonValue;
    modelId: string;
    createdAt: Date;
}
/** Which identities a list shows. A null status lists every status but ERASED. */
export interface IdentityFilter {
    galleryId: string;
    /** Matched anywhere in displayName or externalId, ignoring case. */
    search: string | null;
    status: IdentityStatus | null;
}
/** The sort key of identity lists: displayName, then id to break ties. */
export interface IdentityKey {
    displayName: string;
    id: string;
}
/** One page in display order, and whether more rows lie in the direction read. */
export interface IdentityPage {
    rows: IdentityRecord[];
    hasMore: boolean;
}
export declare class IdentitiesRepository {
    private readonly prisma;
    constructor(prisma: PrismaClient);
    findById(id: string, tx?: Transaction): Promise<IdentityRecord | null>;
    /** The identities among `ids` that exist, in no particular order. */
    findByIds(ids: readonly string[], tx?: Transaction): Promise<IdentityRecord[]>;
    findByExternalId(galleryId: string, externalId: string, tx?: Transaction): Promise<IdentityRecord | null>;
    create(tx: Transaction, galleryId: string, fields: IdentityFields): Promise<IdentityRecord>;
    update(tx: Transaction, id: string, fields: Partial<IdentityFields> & {
        status?: IdentityStatus;
    }): Promise<IdentityRecord>;
    /** Identities matching `filter`, across all pages. */
    count(filter: IdentityFilter): Promise<number>;
    /** Reads one page (in display order) plus one row to learn whether more follow. */
    findPage(filter: IdentityFilter, page: PageRequest<IdentityKey>): Promise<IdentityPage>;
    /** True when a row matching `filter` lies at or beyond `key` on `side` (the cursor row counts). */
    existsBeyond(filter: IdentityFilter, key: IdentityKey, side: 'after' | 'before'): Promise<boolean>;
    /** The faces of an identity, oldest first, without embeddings. */
    listFaces(identityId: string): Promise<FaceRecord[]>;
}
