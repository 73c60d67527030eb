import { type MatchDecision, type MatchKind, type PrismaClient } from '@faceledger/db';
import type { Transaction } from '../audit/audit.repository.js';
import type { FaceRecord } from '../identities/identities.repository.js';
/** The columns of a face the API shows (never the embedding). */
export declare const FACE_COLUMNS: {
    readonly id: true;
    readonly identityId: true;
    readonly imageKey: true;
    readonly box: true;
    readonly landmarks: true;
    readonly quality: true;
    readonly modelId: true;
    readonly createdAt: true;
};
/** One enrolled face near a probe. */
export interface FaceHit {
    faceId: string;
    identityId: string;
    /** Cosine similarity, -1..1. */
    score: number;
}
/** What searchGallery looks at. */
export interface GallerySearch {
    galleryId: string;
    modelId: string;
    embedding: ArrayLike<number>;
    dims: number;
    /** Faces to return, nearest first. */
    limit: number;
    /** Leave this identity's faces out (enrollment looks for *other* identities). */
    excludeIdentityId?: string;
    /** Only ACTIVE identities (identify); otherwise every identity that is not ERASED. */
    activeOnly: boolean;
}
/** A candidate as stored with its event. */
export interface NewCandidate {
    identityId: string;
    faceId: string | null;
    score: number;
    rank: number;
}
/** One recognition call to record. */
export interface NewMatchEvent {
    kind: MatchKind;
    galleryId: string | null;
    probeImageKey: string | null;
    probeSha256: string;
    requesterUserId: string | null;
    requesterKeyId: string | null;
    threshold: number | null;
    modelId: string;
    decision: MatchDecision;
    latencyMs: number;
    probeEmbedding: ArrayLike<number> | null;
    candidates: readonly NewCandidate[];
}
/** A probe image whose retention ended. */
export interface ExpiredProbe {
    eventId: string;
    imageKey: string;
}
export declare class MatchingRepository {
    private readonly prisma;
    private iterativeScan;
    constructor(prisma: PrismaClient);
    /**
     * The faces nearest to a probe inside one gallery, nearest first, through the HNSW index of the
     * probe's width. The index covers every gallery, so the gallery and status filters apply to the
     * index's candidates: ef_search is raised to the limit and, on pgvector 0.8+, the scan iterates
     * until enough rows pass the filters.
     */
    searchGallery(search: GallerySearch): Promise<FaceHit[]>;
    /** The best cosine similarity between a probe and one identity's faces (verify), or null without faces. */
    bestFaceOfIdentity(identityId: string, modelId: string, embedding: ArrayLike<number>, dims: number): Promise<FaceHit | null>;
    /**
     * Which of `identityIds` have a negative exemplar near the probe: a REJECT review of a match event
     * whose probe embedding has cosine similarity >= `minSimilarity` with this probe, not overturned by
     * a later CONFIRM or REASSIGN of the same event to that identity.
     */
    identitiesRejectedNear(identityIds: readonly string[], embedding: ArrayLike<number>, dims: number, minSimilarity: number): Promise<Set<string>>;
    /** Records one call and its candidates inside `tx`; returns the event id. */
    createEvent(tx: Transaction, event: NewMatchEvent): Promise<string>;
    /** How many events hold a probe image whose retention has ended at `now` (a cheap check before purging). */
    countExpiredProbeImages(now: Date): Promise<number>;
    /**
     * Clears the probe image key of every event whose gallery's retention has ended at `now` (and of
     * events whose gallery is gone), inside `tx`; returns the keys cleared.
     */
    expireProbeImages(tx: Transaction, now: Date): Promise<ExpiredProbe[]>;
    /** Enrolled faces by id, without embeddings (deleted ones are missing). */
    findFaces(ids: readonly string[]): Promise<FaceRecord[]>;
    private supportsIterativeScan;
}
