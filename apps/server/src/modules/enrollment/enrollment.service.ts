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
import type { EnrollmentRepository, StoredFace } from './enrollment.repository.js';

/** What enrollFace returns: one member of the EnrollFaceResult union, tagged with __typename. */
export type EnrollFaceModel = ResolversParentTypes['EnrollFaceResult'];
/** What deleteFace returns. */
export type FaceDeletedModel = ResolversParentTypes['FaceDeleted'];
/** One unresolved warning of a face. */
export type FaceWarningModel = ResolversParentTypes['FaceWarning'];

function faceNotFound(id: string): AppError {
  return new AppError(ErrorCode.NOT_FOUND, `No face has id ${id}; open the identity to find its faces.`, {
    id,
  });
}

function identityNotFound(id: string): AppError {
  return new AppError(ErrorCode.NOT_FOUND, `No identity has id ${id}; search identities to find its id.`, {
    id,
  });
}

/**
 * The server's enrollment policy: the engine's defaults, except a minimum of 30 px between the eyes
 * (the engine's default is 40). The default model embeds a 150 px chip; faces in 250 px photos such
 * as LFW's have 33-46 px between the eyes and still match their own person at cosine 0.92-0.98.
 */
export const ENROLLMENT_POLICY: Readonly<Partial<EnrollmentPolicy>> = Object.freeze({ minEyeDistance: 30 });

/** How many nearest faces of other identities enrollment reads to find a likely duplicate. */
const LIKELY_SAME_AS_FACES = 20;

export interface EnrollmentDependencies {
  enrollment: Pick<
    EnrollmentRepository,
    | 'findFaceByImage'
    | 'lockIdentityStatus'
    | 'insertFace'
    | 'findFace'
    | 'deleteFace'
    | 'clearWarning'
    | 'findWarnings'
  >;
  matching: Pick<MatchingRepository, 'searchGallery'>;
  galleries: Pick<GalleriesRepository, 'findById'>;
  identities: Pick<IdentitiesRepository, 'findById' | 'findByIds'>;
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
    return this.enroll(actor, args.identityId, args.image, null);
  }

  /**
   * Enrolls `image` in place of the face: the new face is inserted and the old one deleted in one
   * audited transaction (face.replace), then the old photo is purged unless something else uses it.
   * A refusal leaves the old face as it was.
   */
  async replaceFace(actor: Actor, args: { faceId: string; image: ImageArg }): Promise<EnrollFaceModel> {
    authorize(actor, 'faces.enroll');
    const face = await this.deps.enrollment.findFace(args.faceId);
    if (!face) throw faceNotFound(args.faceId);
    const result = await this.enroll(actor, face.identityId, args.image, face);
    if (result.__typename === 'Enrolled') await this.deps.images.deleteUnreferenced([face.imageKey]);
    return result;
  }

  /**
   * Deletes one enrolled face (a wrong photo) with its embedding, audited as face.delete; after commit
   * the photo is deleted unless another face, a match event or a pending upload still uses it.
   */
  async deleteFace(actor: Actor, args: { faceId: string }): Promise<FaceDeletedModel> {
    authorize(actor, 'faces.enroll');
    const face = await this.deps.enrollment.findFace(args.faceId);
    if (!face) throw faceNotFound(args.faceId);
    const identity = await this.deps.identities.findById(face.identityId);
    if (!identity || identity.status === 'ERASED') throw faceNotFound(args.faceId);
    authorizeGallery(actor, identity.galleryId);
    await this.deps.audit.withEntry(async (tx) => {
      // Under the identity's row lock, as enrollment: an erasure in progress goes first.
      const status = await this.deps.enrollment.lockIdentityStatus(tx, identity.id);
      if (status === null || status === 'ERASED') throw faceNotFound(face.id);
      if (!(await this.deps.enrollment.deleteFace(tx, face.id, identity.id))) throw faceNotFound(face.id);
      return {
        result: null,
        audit: {
          actor: actorRef(actor),
          action: 'face.delete',
          subject: `face:${face.id}`,
          payload: { identityId: identity.id, galleryId: identity.galleryId },
        },
      };
    });
    const deleted = await this.deps.images.deleteUnreferenced([face.imageKey]);
    const after = await this.deps.identities.findById(identity.id);
    return {
      faceId: face.id,
      identity: toIdentityModel(after ?? identity),
      imageDeleted: deleted.includes(face.imageKey),
    };
  }

  /** Marks the face's likely-same-as warning as checked (the photo is right), audited as face.resolveWarning. */
  async resolveFaceWarning(actor: Actor, args: { faceId: string }): Promise<boolean> {
    authorize(actor, 'faces.enroll');
    const face = await this.deps.enrollment.findFace(args.faceId);
    if (!face) throw faceNotFound(args.faceId);
    const identity = await this.deps.identities.findById(face.identityId);
    if (!identity || identity.status === 'ERASED') throw faceNotFound(args.faceId);
    authorizeGallery(actor, identity.galleryId);
    return this.deps.audit.withEntry(async (tx) => {
      if (!(await this.deps.enrollment.clearWarning(tx, face.id))) {
        throw new AppError(
          ErrorCode.BAD_INPUT,
          'This face has no open warning; there is nothing to resolve.',
          {
            field: 'faceId',
          },
        );
      }
      return {
        result: true,
        audit: {
          actor: actorRef(actor),
          action: 'face.resolveWarning',
          subject: `face:${face.id}`,
          payload: { identityId: identity.id, galleryId: identity.galleryId, code: 'LIKELY_SAME_AS' },
        },
      };
    });
  }

  /** The unresolved warnings of the identity's faces, shown on the identity until someone resolves them. */
  async faceWarnings(actor: Actor, args: { identityId: string }): Promise<FaceWarningModel[]> {
    authorize(actor, 'identities.read');
    const identity = await this.deps.identities.findById(args.identityId);
    if (!identity || identity.status === 'ERASED') {
      if (identity) authorizeGallery(actor, identity.galleryId);
      return [];
    }
    authorizeGallery(actor, identity.galleryId);
    const warnings = await this.deps.enrollment.findWarnings(identity.id);
    if (warnings.length === 0) return [];
    const others = new Map(
      (await this.deps.identities.findByIds([...new Set(warnings.map((w) => w.otherIdentityId))]))
        .filter((o) => o.status !== 'ERASED')
        .map((o) => [o.id, o]),
    );
    return warnings.map((w) => {
      const other = others.get(w.otherIdentityId);
      const who = other ? other.displayName : 'an identity that was since erased';
      return {
        faceId: w.faceId,
        code: 'LIKELY_SAME_AS' as const,
        identity: other ? toIdentityModel(other) : null,
        score: w.score,
        message: `This photo looked like ${who} (score ${w.score.toFixed(3)}) when it was enrolled. If it does not show ${identity.displayName}, delete or replace it; if it does, keep it.`,
      };
    });
  }

  private async enroll(
    actor: Actor,
    identityId: string,
    image: ImageArg,
    replacing: StoredFace | null,
  ): Promise<EnrollFaceModel> {
    const identity = await this.deps.identities.findById(identityId);
    if (!identity || identity.status === 'ERASED') {
      throw replacing ? faceNotFound(replacing.id) : identityNotFound(identityId);
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
    const probe = await this.deps.uploads.resolve(actor, image);
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
        if (replacing && !(await this.deps.enrollment.deleteFace(tx, replacing.id, identity.id))) {
          throw new AppError(
            ErrorCode.NOT_FOUND,
            `Face ${replacing.id} was deleted meanwhile; enroll the photo with enrollFace instead.`,
            { id: replacing.id },
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
          likelySameAs: nearest && lookalike ? { identityId: lookalike.id, score: nearest.score } : null,
        });
        return {
          result: row,
          audit: {
            actor: actorRef(actor),
            action: replacing ? 'face.replace' : 'face.enroll',
            subject: `face:${row.id}`,
            payload: {
              ...(replacing ? { replacedFaceId: replacing.id } : {}),
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
