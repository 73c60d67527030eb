import { type MatchDecision, type MatchKind, type PrismaClient, type ReviewVerdict } from '@faceledger/db';
import type { Transaction } from '../audit/audit.repository.js';
/** Top scores this close to the threshold (either side) need a person's review. */
export declare const REVIEW_MARGIN = 0.05;
/** Which events a list shows; null fields do not filter. */
export interface MatchEventFilter {
    galleryId: string | null;
    kind: MatchKind | null;
    decision: MatchDecision | null;
    needsReview: boolean | null;
    from: Date | null;
    to: Date | null;
}
/** The sort key of event lists: createdAt, then id, both descending. */
export interface MatchEventKey {
    createdAt: Date;
    id: string;
}
export interface ReviewRecord {
    id: string;
    eventId: string;
    verdict: ReviewVerdict;
    targetIdentityId: string | null;
    note: string;
    reviewerId: string;
    reviewerEmail: string | null;
    createdAt: Date;
}
export interface MatchEventRecord {
    id: string;
    kind: MatchKind;
    galleryId: string | null;
    decision: MatchDecision;
    threshold: number | null;
    modelId: string;
    latencyMs: number;
    probeSha256: string;
    probeImageKey: string | null;
    requesterUserId: string | null;
    requesterKeyId: string | null;
    createdAt: Date;
    needsReview: boolean;
    candidates: Array<{
        identityId: string;
        faceId: string | null;
        score: number;
        rank: number;
    }>;
    reviews: ReviewRecord[];
}
export declare class ReviewsRepository {
    private readonly prisma;
    constructor(prisma: PrismaClient);
    /** One page of events newest first, after `cursor`, plus whether more follow. */
    findPage(filter: MatchEventFilter, size: number, cursor: MatchEventKey | null): Promise<{
        rows: MatchEventRecord[];
        hasMore: boolean;
    }>;
    findById(id: string): Promise<MatchEventRecord | null>;
    /** Writes a review inside `tx`. */
    createReview(tx: Transaction, review: {
        eventId: string;
        reviewerId: string;
        verdict: ReviewVerdict;
        targetIdentityId: string | null;
        note: string;
    }): Promise<ReviewRecord>;
    /** Events by id, newest first, with candidates, reviews and the needs-review flag. */
    private findByIds;
}
