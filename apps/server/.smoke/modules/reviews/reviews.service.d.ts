import type { MatchDecision, MatchKind, ReviewVerdict } from '@faceledger/db';
import type { ResolversParentTypes } from '@faceledger/schema/server';
import type { AuditRepository } from '../audit/audit.repository.js';
import { type Actor } from '../auth/actor.js';
import type { IdentitiesRepository } from '../identities/identities.repository.js';
import type { MatchingRepository } from '../matching/matching.repository.js';
import type { ReviewsRepository } from './reviews.repository.js';
export type MatchEventModel = ResolversParentTypes['MatchEvent'];
export type MatchEventConnectionModel = ResolversParentTypes['MatchEventConnection'];
export type ReviewModel = ResolversParentTypes['Review'];
/** The filter as GraphQL hands it over. */
export interface MatchEventFilterArg {
    galleryId?: string | null;
    kind?: MatchKind | null;
    decision?: MatchDecision | null;
    needsReview?: boolean | null;
    from?: string | null;
    to?: string | null;
}
export interface ReviewsDependencies {
    reviews: Pick<ReviewsRepository, 'findPage' | 'findById' | 'createReview'>;
    identities: Pick<IdentitiesRepository, 'findById' | 'findByIds'>;
    matching: Pick<MatchingRepository, 'findFaces'>;
    audit: Pick<AuditRepository, 'withEntry'>;
}
export declare class ReviewsService {
    private readonly deps;
    constructor(deps: ReviewsDependencies);
    /** Match events newest first, a page at a time. */
    listMatchEvents(actor: Actor, args: {
        filter?: MatchEventFilterArg | null;
        first?: number | null;
        after?: string | null;
    }): Promise<MatchEventConnectionModel>;
    getMatchEvent(actor: Actor, id: string): Promise<MatchEventModel>;
    /**
     * Records a verdict. CONFIRM and REJECT name one of the event's candidates (rank 1 when identityId
     * is left out); REASSIGN names the right identity, which must belong to the event's gallery.
     */
    reviewMatch(actor: Actor, args: {
        eventId: string;
        verdict: ReviewVerdict;
        identityId?: string | null;
        note?: string | null;
    }): Promise<ReviewModel>;
    private pickTarget;
    private toModels;
    private toReviewModel;
}
