import type { ResolversParentTypes } from '@faceledger/schema/server';
import type { ImageRepository } from '../../infrastructure/image-store/image.repository.js';
import type { RecognitionRepository } from '../../infrastructure/recognition/recognition.repository.js';
import type { AuditRepository } from '../audit/audit.repository.js';
import { type Actor } from '../auth/actor.js';
import type { GalleriesRepository } from '../galleries/galleries.repository.js';
import type { IdentitiesRepository } from '../identities/identities.repository.js';
import type { ImageArg, UploadsService } from '../uploads/uploads.service.js';
import type { FaceHit, MatchingRepository } from './matching.repository.js';
/** What identify returns (GraphQL IdentifyResult with Identity models). */
export type IdentifyModel = ResolversParentTypes['IdentifyResult'];
export type VerifyModel = ResolversParentTypes['VerifyResult'];
export type CompareModel = ResolversParentTypes['CompareResult'];
export type DetectModel = ResolversParentTypes['DetectResult'];
/** Tunables of matching; the defaults are what the API documents. */
export interface MatchingSettings {
    /**
     * A probe whose embedding has at least this cosine similarity with the probe of a REJECT review of
     * identity X can not be a MATCH for X (a negative exemplar).
     */
    negativeExemplarSimilarity: number;
    /** identify reads topK x this many nearest faces before keeping each identity's best face. */
    overFetchFactor: number;
    /** Largest topK a caller may ask for. */
    maxTopK: number;
}
export declare const DEFAULT_MATCHING_SETTINGS: Readonly<MatchingSettings>;
/** The repositories and services matching works with (narrowed, so unit tests can fake them). */
export interface MatchingDependencies {
    matching: Pick<MatchingRepository, 'searchGallery' | 'bestFaceOfIdentity' | 'identitiesRejectedNear' | 'createEvent' | 'expireProbeImages' | 'countExpiredProbeImages' | 'findFaces'>;
    galleries: Pick<GalleriesRepository, 'findById'>;
    identities: Pick<IdentitiesRepository, 'findById' | 'findByIds'>;
    recognition: Pick<RecognitionRepository, 'analyze' | 'modelInfo' | 'defaultModelId' | 'detectorName'>;
    images: Pick<ImageRepository, 'put' | 'deleteUnreferenced'>;
    uploads: Pick<UploadsService, 'resolve' | 'isPending'>;
    audit: Pick<AuditRepository, 'withEntry'>;
}
/** One identity proposed for a probe face: its best face's score. */
export interface Candidate {
    identityId: string;
    faceId: string;
    score: number;
    rank: number;
}
/**
 * Aggregation rule of identify: an identity's score is the score of its best (most similar) face
 * among the faces read; identities are ranked by that score and the first `topK` kept.
 */
export declare function rankByBestFace(hits: readonly FaceHit[], topK: number): Candidate[];
/** The MATCH of a ranked list: the first candidate at or above the threshold that no negative exemplar demoted. */
export declare function pickMatch(candidates: readonly Candidate[], threshold: number, demoted: ReadonlySet<string>): Candidate | null;
/** Cosine similarity of two embeddings. */
export declare function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number;
export declare class MatchingService {
    private readonly deps;
    private readonly settings;
    constructor(deps: MatchingDependencies, settings?: Partial<MatchingSettings>);
    /** Who is this? Ranked candidates and a decision for every face of the image. */
    identify(actor: Actor, args: {
        galleryId: string;
        image: ImageArg;
        topK?: number | null;
        threshold?: number | null;
    }): Promise<IdentifyModel>;
    /** Is this the identity? The image's largest face against the identity's faces. */
    verify(actor: Actor, args: {
        identityId: string;
        image: ImageArg;
        threshold?: number | null;
    }): Promise<VerifyModel>;
    /** Do two images show the same person? The largest face of each, with the engine's default model. */
    compareFaces(actor: Actor, args: {
        imageA: ImageArg;
        imageB: ImageArg;
        threshold?: number | null;
    }): Promise<CompareModel>;
    /** Every face of the image with quality and spoof scores; no embeddings, nothing stored but the event. */
    detectFaces(actor: Actor, args: {
        image: ImageArg;
    }): Promise<DetectModel>;
    /**
     * The retention job: clears the probe image of every event older than its gallery's
     * probeRetentionDays at `now` and deletes the image unless an enrolled face, another event or a
     * pending upload still uses it. Writes one audit entry when anything expired.
     */
    purgeExpiredProbes(actor: Actor, now: Date): Promise<{
        eventsCleared: number;
        imagesDeleted: number;
    }>;
    /** Candidates at or above the threshold that a negative exemplar rules out. */
    private demotedAmong;
    /** Stores the probe image when the gallery keeps probes; returns its key or null. */
    private keepProbe;
    private loadModels;
}
