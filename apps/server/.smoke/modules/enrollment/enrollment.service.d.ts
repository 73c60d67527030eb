import type { EnrollmentPolicy } from '@faceledger/recognition';
import type { ResolversParentTypes } from '@faceledger/schema/server';
import type { ImageRepository } from '../../infrastructure/image-store/image.repository.js';
import type { RecognitionRepository } from '../../infrastructure/recognition/recognition.repository.js';
import type { AuditRepository } from '../audit/audit.repository.js';
import { type Actor } from '../auth/actor.js';
import type { GalleriesRepository } from '../galleries/galleries.repository.js';
import type { IdentitiesRepository } from '../identities/identities.repository.js';
import type { MatchingRepository } from '../matching/matching.repository.js';
import type { ImageArg, UploadsService } from '../uploads/uploads.service.js';
import type { EnrollmentRepository } from './enrollment.repository.js';
/** What enrollFace returns: one member of the EnrollFaceResult union, tagged with __typename. */
export type EnrollFaceModel = ResolversParentTypes['EnrollFaceResult'];
/**
 * The server's enrollment policy: the engine's defaults, except a minimum of 30 px between the eyes
 * (the engine's default is 40). The default model embeds a 150 px chip; faces in 250 px photos such
 * as LFW's have 33-46 px between the eyes and still match their own person at cosine 0.92-0.98.
 */
export declare const ENROLLMENT_POLICY: Readonly<Partial<EnrollmentPolicy>>;
export interface EnrollmentDependencies {
    enrollment: Pick<EnrollmentRepository, 'findFaceByImage' | 'insertFace'>;
    matching: Pick<MatchingRepository, 'searchGallery'>;
    galleries: Pick<GalleriesRepository, 'findById'>;
    identities: Pick<IdentitiesRepository, 'findById'>;
    recognition: Pick<RecognitionRepository, 'analyze' | 'modelInfo' | 'checkEnrollment'>;
    images: Pick<ImageRepository, 'put'>;
    uploads: Pick<UploadsService, 'resolve'>;
    audit: Pick<AuditRepository, 'withEntry'>;
}
export declare class EnrollmentService {
    private readonly deps;
    private readonly policy;
    constructor(deps: EnrollmentDependencies, policy?: Partial<EnrollmentPolicy>);
    /** Enrolls the one face of `image` to the identity, or returns why not. */
    enrollFace(actor: Actor, args: {
        identityId: string;
        image: ImageArg;
    }): Promise<EnrollFaceModel>;
}
