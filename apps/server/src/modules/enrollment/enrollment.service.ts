// Enrollment: adds one face of enrollment quality to an identity, or says why not as a typed result
// (no face, several faces, low quality, duplicate image, likely the same as another identity).
import type { EnrollmentPolicy } from '@faceledger/recognition';
import type { ResolversParentTypes } from '@faceledger/schema/server';
import type { ImageRepository } from '../../infrastructure/image-store/image.repository.js';
import type { RecognitionRepository } from '../../infrastructure/recognition/recognition.repository.js';
import { AppError, ErrorCode } from '../../shared/app-error.js';
import type { AuditRepository } from '../audit/audit.repository.js';
import { actorRef, type Actor } from '../auth/actor.js';
import { authorize, authorizeGallery } from '../auth/permissions.js';
import type { GalleriesRepository } from '../galleries/galleries.repository.js';
import type { IdentitiesRepository } from '../identities/identities.repository.js';
import type { MatchingRepository } from '../matching/matching.repository.js';
import { toDetectedFace, toFaceModel, toIdentityModel } from '../matching/recognition-models.js';
import type { ImageArg, UploadsService } from '../uploads/uploads.service.js';
import type { EnrollmentRepository } from './enrollment.repository.js';

/** What enrollFace returns: one member of the EnrollFaceResult union, tagged with __typename. */
export type EnrollFaceModel = ResolversParentTypes['EnrollFaceResult'];

/**
 * The server's enrollment policy: the engine's defaults, except a minimum of 30 px between the eyes
 * (the engine's default is 40). The default model embeds a 150 px chip; faces in 250 px photos such
 * as LFW's have 33-46 px between the eyes and still match their own person at cosine 0.92-0.98.
 */
export const ENROLLMENT_POLICY: Readonly<Partial<EnrollmentPolicy>> = Object.freeze({ minEyeDistance: 30 });

/** How many nearest faces of other identities enrollment reads to find a likely duplicate. */
const LIKELY_SAME_AS_FACES = 20;

export interface EnrollmentDependencies {
  enrollment: Pick<EnrollmentRepository, 'findFaceByImage' | 'lockIdentityStatus' | 'insertFace'>;
  matching: Pick<MatchingRepository, 'searchGallery'>;
  galleries: Pick<GalleriesRepository, 'findById'>;
  identities: Pick<IdentitiesRepository, 'findById'>;
  recognition: Pick<RecognitionRepository, 'analyze' | 'modelInfo' | 'checkEnrollment'>;
  images: Pick<ImageRepository, 'put' | 'deleteUnreferenced'>;
  uploads: Pick<UploadsService, 'resolve'>;
  audit: Pick<AuditRepository, 'withEntry'>;
}

export class EnrollmentService {
  constructor(
    private readonly deps: EnrollmentDependencies,
    private readonly policy: Partial<EnrollmentPolicy> = ENROLLMENT_POLICY,
  ) {}

  /** Enrolls the one face of `image` to the identity, or returns why not. */
  async enrollFace(actor: Actor, args: { identityId: string; image: ImageArg }): Promise<EnrollFaceModel> {
    authorize(actor, 'faces.enroll');
    const identity = await this.deps.identities.findById(args.identityId);
    if (!identity || identity.status === 'ERASED') {
      throw new AppError(
        ErrorCode.NOT_FOUND,
        `No identity has id ${args.identityId}; search identities to find its id.`,
        { id: args.identityId },
      );
    }
    const gallery = await this.deps.galleries.findById(identity.galleryId);
    if (!gallery)
      throw new AppError(
        ErrorCode.NOT_FOUND,
        `The identity's gallery ${identity.galleryId} no longer exists.`,
      );
    authorizeGallery(actor, gallery.id);
    if (identity.status !== 'ACTIVE') {
      throw new AppError(
        ErrorCode.BAD_INPUT,
        'The identity is suspended; reactivate it before enrolling faces.',
        { field: 'identityId' },
      );
    }
    const probe = await this.deps.uploads.resolve(actor, args.image);
    const refuse = (result: EnrollFaceModel, reason: string, details: Record<string, unknown> = {}) =>
      this.deps.audit.withEntry(async () => ({
        result,
        audit: {
          actor: actorRef(actor),
          action: 'face.enrollRefused',
          subject: `identity:${identity.id}`,
          payload: { reason, galleryId: gallery.id, ...details },
        },
      }));

    // The image key is the sha256 of the bytes, so a duplicate is found before any analysis.
    const duplicate = await this.deps.enrollment.findFaceByImage(gallery.id, probe.sha256);
    if (duplicate) {
      const owner =
        duplicate.identityId === identity.id
          ? identity
          : await this.deps.identities.findById(duplicate.identityId);
      if (owner) {
        return refuse(
          {
            __typename: 'DuplicateImage',
            faceId: duplicate.faceId,
            identity: toIdentityModel(owner),
            message:
              owner.id === identity.id
                ? 'This image is already enrolled for this identity; enroll a different photo.'
                : `This image is already enrolled for ${owner.displayName}; enroll a different photo.`,
          },
          'DUPLICATE_IMAGE',
          { faceId: duplicate.faceId },
        );
      }
    }

    const analysis = await this.deps.recognition.analyze(probe.bytes, { modelId: gallery.embeddingModelId });
    const [face, ...others] = analysis.faces;
    if (!face) {
      return refuse(
        {
          __typename: 'NoFace',
          message:
            'No face was found in the image. Use a clear, frontal photo of the person, with the whole face visible.',
        },
        'NO_FACE',
      );
    }
    if (others.length > 0) {
      const count = analysis.faces.length;
      return refuse(
        {
          __typename: 'MultipleFaces',
          count,
          message: `The photo shows ${count} faces. Use a photo with only the person being enrolled.`,
        },
        'MULTIPLE_FACES',
        { count },
      );
    }
    const verdict = this.deps.recognition.checkEnrollment(face, this.policy, 1);
    if (!verdict.accepted) {
      const reasons = verdict.violations.map((v) => ({
        code: v.code,
        message: v.message,
        actual: v.actual,
        limit: v.limit,
      }));
      return refuse(
        {
          __typename: 'LowQuality',
          reasons,
          message: `The face is not good enough to enroll: ${reasons.map((r) => r.message).join(' ')}`,
        },
        'LOW_QUALITY',
        { codes: reasons.map((r) => r.code) },
      );
    }

    const embedding = face.embedding;
    if (!embedding)
      throw new Error('The engine returned a face without an embedding although one was asked for.');
    const { dims } = this.deps.recognition.modelInfo(gallery.embeddingModelId);
    const [nearest] = await this.deps.matching.searchGallery({
      galleryId: gallery.id,
      modelId: gallery.embeddingModelId,
      embedding,
      dims,
      limit: LIKELY_SAME_AS_FACES,
      excludeIdentityId: identity.id,
      activeOnly: false,
    });
    const lookalike =
      nearest && nearest.score >= gallery.matchThreshold
        ? await this.deps.identities.findById(nearest.identityId)
        : null;
    if (nearest && lookalike && gallery.forbidLikelyDuplicates) {
      return refuse(
        {
          __typename: 'LikelySameAs',
          identity: toIdentityModel(lookalike),
          score: nearest.score,
          message: `This face looks like ${lookalike.displayName} (score ${nearest.score.toFixed(3)}), and this gallery forbids likely duplicates. Check that you chose the right identity.`,
        },
        'LIKELY_SAME_AS',
        { otherIdentityId: lookalike.id, score: nearest.score },
      );
    }

    const imageKey = await this.deps.images.put(probe.bytes);
    const stored = await this.deps.audit
      .withEntry(async (tx) => {
        // Re-checked under a row lock: an erasure or suspension since the first read wins.
        const status = await this.deps.enrollment.lockIdentityStatus(tx, identity.id);
        if (status !== 'ACTIVE') {
          throw status === 'SUSPENDED'
            ? new AppError(
                ErrorCode.BAD_INPUT,
                'The identity was suspended meanwhile; reactivate it before enrolling faces.',
                {
                  field: 'identityId',
                },
              )
            : new AppError(
                ErrorCode.NOT_FOUND,
                `No identity has id ${identity.id}; it was erased meanwhile.`,
                { id: identity.id },
              );
        }
        const row = await this.deps.enrollment.insertFace(tx, {
          identityId: identity.id,
          imageKey,
          box: { ...face.box },
          landmarks: {
            rightEye: { ...face.landmarks.rightEye },
            leftEye: { ...face.landmarks.leftEye },
            nose: { ...face.landmarks.nose },
            rightMouth: { ...face.landmarks.rightMouth },
            leftMouth: { ...face.landmarks.leftMouth },
          },
          quality: {
            ...face.quality,
            pose: { ...face.quality.pose },
            reasons: [...face.quality.reasons],
            detectionScore: face.score,
            antispoof: face.spoof.antispoof,
            liveness: face.spoof.liveness,
          },
          modelId: gallery.embeddingModelId,
          embedding,
        });
        return {
          result: row,
          audit: {
            actor: actorRef(actor),
            action: 'face.enroll',
            subject: `face:${row.id}`,
            payload: {
              identityId: identity.id,
              galleryId: gallery.id,
              modelId: gallery.embeddingModelId,
              qualityScore: face.quality.score,
              likelySameAs: nearest && lookalike ? { identityId: lookalike.id, score: nearest.score } : null,
            },
          },
        };
      })
      .catch(async (error: unknown) => {
        // Nothing was stored, so the image goes again unless something else uses it.
        await this.deps.images.deleteUnreferenced([imageKey]);
        throw error;
      });
    return {
      __typename: 'Enrolled',
      face: toFaceModel(stored),
      detected: toDetectedFace(face),
      warnings:
        nearest && lookalike
          ? [
              {
                code: 'LIKELY_SAME_AS',
                identity: toIdentityModel(lookalike),
                score: nearest.score,
                message: `This face looks like ${lookalike.displayName} (score ${nearest.score.toFixed(3)}). Check that you chose the right identity.`,
              },
            ]
          : [],
    };
  }
}
