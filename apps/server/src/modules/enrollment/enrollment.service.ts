// Enrollment: adds one face of enrollment quality to an identity (the photo's only face, or the one
// the caller chose), or says why not as a typed result (no face, several faces, no face in the chosen
// box or at the chosen index, low quality, duplicate image, likely the same as another identity).
import type { EnrollmentPolicy, Face as EngineFace } from '@faceledger/recognition';
import type { FaceChoice as FaceChoiceInput } from '@faceledger/schema';
import type { ResolversParentTypes } from '@faceledger/schema/server';
import type { ImageRepository } from '../../infrastructure/image-store/image.repository.js';
import type { RecognitionRepository } from '../../infrastructure/recognition/recognition.repository.js';
import type { TransactionScope, UnitOfWork } from '../../infrastructure/unit-of-work/unit-of-work.js';
import { AppError, ErrorCode } from '../../shared/app-error.js';
import { notFound } from '../../shared/not-found.js';
import { auditEntry, type Actor } from '../auth/actor.js';
import { requireGallery } from '../auth/gallery-access.js';
import { authorize, authorizeGallery, type Permission } from '../auth/permissions.js';
import type { GalleriesRepository, GalleryRecord } from '../galleries/galleries.repository.js';
import type {
  FaceRecord,
  IdentitiesRepository,
  IdentityRecord,
} from '../identities/identities.repository.js';
import type { MatchingRepository } from '../matching/matching.repository.js';
import { toDetectedFace, toFaceModel, toIdentityModel } from '../matching/recognition-models.js';
import { otherModelForNewFaces } from '../model-migration/migration-target.js';
import type { ModelMigrationRepository } from '../model-migration/model-migration.repository.js';
import type { ImageArg, UploadsService } from '../uploads/uploads.service.js';
import type { EnrollmentRepository, StoredFace } from './enrollment.repository.js';
import {
  chooseFace,
  intersectionOverUnion,
  MIN_BOX_OVERLAP,
  parseFaceChoice,
  type FaceChoice,
} from './face-choice.js';

/** What enrollFace returns: one member of the EnrollFaceResult union, tagged with __typename. */
export type EnrollFaceModel = ResolversParentTypes['EnrollFaceResult'];
/** What deleteFace returns. */
export type FaceDeletedModel = ResolversParentTypes['FaceDeleted'];
/** One unresolved warning of a face. */
export type FaceWarningModel = ResolversParentTypes['FaceWarning'];

/** Where a face is enrolled: the gallery, and the identity unless it is created in the same transaction. */
export interface EnrollmentTarget {
  gallery: GalleryRecord;
  identity: IdentityRecord | null;
}

/** Why a photo cannot be enrolled: the typed result, and the reason and details face.enrollRefused records. */
export interface EnrollmentRefusal {
  result: EnrollFaceModel;
  reason: string;
  details: Record<string, unknown>;
}

/** A photo's face analysed and accepted for enrollment but not written yet (checkFace, then writeFace). */
export interface CheckedFace {
  bytes: Uint8Array;
  /** sha256 hex of bytes: the image key the store gives them. */
  sha256: string;
  face: EngineFace;
  /** The embedding under the gallery's model (`modelId`: its model when the photo was analysed). */
  embedding: Float32Array;
  modelId: string;
  /**
   * The face's embedding under the other model the gallery's new faces need (otherModelForNewFaces:
   * its migration's target while it re-embeds or shadows, the previous model in the rollback window),
   * written beside the face so the switch or the rollback finds it; null when there was none.
   */
  targetEmbedding: { modelId: string; embedding: Float32Array } | null;
  detected: ReturnType<typeof toDetectedFace>;
  /** Another identity's face at or above the gallery threshold, kept as the face's warning. */
  lookalike: { identity: IdentityRecord; score: number } | null;
  /** Which face of the photo the caller's choice picked, for the audit entry; null without a choice. */
  faceChoice: { kind: FaceChoice['kind']; index: number; faces: number } | null;
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
    | 'findFacesByImage'
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
  /** The gallery's migration in progress: its target's embedding is written with each new face. */
  migrations: Pick<ModelMigrationRepository, 'findLatest' | 'lockGalleryShared' | 'storeEmbedding'>;
  recognition: Pick<RecognitionRepository, 'analyze' | 'modelInfo' | 'checkEnrollment'>;
  images: Pick<ImageRepository, 'put' | 'deleteUnreferenced'>;
  uploads: Pick<UploadsService, 'resolve'>;
  uow: Pick<UnitOfWork, 'transaction'>;
}

export class EnrollmentService {
  constructor(
    private readonly deps: EnrollmentDependencies,
    private readonly policy: Partial<EnrollmentPolicy> = ENROLLMENT_POLICY,
  ) {}

  /** Enrolls the one face of `image` (or the face `args.face` chooses) to the identity, or returns why not. */
  async enrollFace(
    actor: Actor,
    args: { identityId: string; image: ImageArg; face?: FaceChoiceInput | null },
  ): Promise<EnrollFaceModel> {
    authorize(actor, 'faces.enroll');
    return this.enroll(actor, args.identityId, args.image, parseFaceChoice(args.face), null);
  }

  /**
   * Enrolls `image` in place of the face: the new face is inserted and the old one deleted in one
   * audited transaction (face.replace), then the old photo is purged unless something else uses it.
   * A refusal leaves the old face as it was.
   */
  async replaceFace(
    actor: Actor,
    args: { faceId: string; image: ImageArg; face?: FaceChoiceInput | null },
  ): Promise<EnrollFaceModel> {
    authorize(actor, 'faces.enroll');
    const choice = parseFaceChoice(args.face);
    const face = await this.deps.enrollment.findFace(args.faceId);
    if (!face) throw notFound('face', args.faceId);
    const result = await this.enroll(actor, face.identityId, args.image, choice, face);
    if (result.__typename === 'Enrolled') await this.deps.images.deleteUnreferenced([face.imageKey]);
    return result;
  }

  /**
   * Deletes one enrolled face (a wrong photo) with its embedding, audited as face.delete; after commit
   * the photo is deleted unless another face, a match event or a pending upload still uses it.
   */
  async deleteFace(actor: Actor, args: { faceId: string }): Promise<FaceDeletedModel> {
    authorize(actor, 'faces.enroll');
    const { face, identity } = await this.findFaceInReach(actor, args.faceId);
    await this.deps.uow.transaction(async (tx) => {
      // Under the identity's row lock, as enrollment: an erasure in progress goes first.
      const status = await this.deps.enrollment.lockIdentityStatus(tx.db, identity.id);
      if (status === null || status === 'ERASED') throw notFound('face', face.id);
      if (!(await this.deps.enrollment.deleteFace(tx.db, face.id, identity.id)))
        throw notFound('face', face.id);
      await tx.audit(
        auditEntry(actor, 'face.delete', `face:${face.id}`, {
          identityId: identity.id,
          galleryId: identity.galleryId,
        }),
      );
      tx.publish({
        type: 'FaceDeleted',
        faceId: face.id,
        identityId: identity.id,
        galleryId: identity.galleryId,
      });
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
    const { face, identity } = await this.findFaceInReach(actor, args.faceId);
    return this.deps.uow.transaction(async (tx) => {
      if (!(await this.deps.enrollment.clearWarning(tx.db, face.id))) {
        throw new AppError(
          ErrorCode.BAD_INPUT,
          'This face has no open warning; there is nothing to resolve.',
          {
            field: 'faceId',
          },
        );
      }
      await tx.audit(
        auditEntry(actor, 'face.resolveWarning', `face:${face.id}`, {
          identityId: identity.id,
          galleryId: identity.galleryId,
          code: 'LIKELY_SAME_AS',
        }),
      );
      return true;
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

  /** The face with its identity, when it exists, is not erased and its gallery is the caller's to reach. */
  private async findFaceInReach(actor: Actor, faceId: string) {
    const face = await this.deps.enrollment.findFace(faceId);
    if (!face) throw notFound('face', faceId);
    const identity = await this.deps.identities.findById(face.identityId);
    if (!identity || identity.status === 'ERASED') throw notFound('face', faceId);
    authorizeGallery(actor, identity.galleryId);
    return { face, identity };
  }

  /**
   * Where `actor` may enroll a face with `grant`: an existing identity (not erased, ACTIVE, in a
   * gallery the actor reaches), or a gallery whose identity the caller is about to create in the
   * same transaction as the faces (naming a camera cluster). Reads only.
   */
  async findTarget(
    actor: Actor,
    target: { identityId: string } | { galleryId: string },
    grant: Extract<Permission, 'faces.enroll' | 'sightings.review'>,
  ): Promise<EnrollmentTarget> {
    authorize(actor, grant);
    if ('galleryId' in target) {
      const gallery = await requireGallery(
        actor,
        target.galleryId,
        (id) => this.deps.galleries.findById(id),
        'galleryId',
      );
      return { gallery, identity: null };
    }
    return this.findIdentityTarget(actor, target.identityId, null);
  }

  /**
   * Analyses `image` for enrollment into `target` and writes nothing: the face to write with
   * writeFace, or the refusal (its typed result and what face.enrollRefused would record).
   */
  async checkFace(
    actor: Actor,
    target: EnrollmentTarget,
    image: ImageArg,
    face?: FaceChoiceInput | null,
  ): Promise<CheckedFace | { refusal: EnrollmentRefusal }> {
    const choice = parseFaceChoice(face);
    const probe = await this.deps.uploads.resolve(actor, image);
    return this.check(target, probe, choice);
  }

  /**
   * Writes a checked face of `identityId` inside the caller's transaction: re-reads the identity's
   * status under its row lock (an erasure or suspension since the check wins) and the gallery's model
   * and migration under the gallery's share lock (a switch since the check refuses), inserts the face
   * row (`imageKey`: the checked bytes, already put in the image store) with its embedding under the
   * migration's other model (its target, or the previous model in the rollback window), appends face.enroll (face.replace with `replacing`)
   * and queues FaceEnrolled, delivered after the caller's commit.
   */
  async writeFace(
    tx: TransactionScope,
    actor: Actor,
    args: {
      identityId: string;
      gallery: GalleryRecord;
      checked: CheckedFace;
      imageKey: string;
      replacing?: StoredFace | null;
    },
  ): Promise<FaceRecord> {
    const { identityId, gallery, checked, imageKey } = args;
    const replacing = args.replacing ?? null;
    const { face, embedding, lookalike } = checked;
    // A start, switch or rollback of the gallery's model waits for this face, or this face for it
    // (the gallery before the identity, as a gallery's deletion locks them).
    await this.deps.migrations.lockGalleryShared(tx.db, gallery.id);
    const status = await this.deps.enrollment.lockIdentityStatus(tx.db, identityId);
    if (status !== 'ACTIVE') {
      throw status === 'SUSPENDED'
        ? new AppError(
            ErrorCode.BAD_INPUT,
            'The identity was suspended meanwhile; reactivate it before enrolling faces.',
            {
              field: 'identityId',
            },
          )
        : new AppError(ErrorCode.NOT_FOUND, `No identity has id ${identityId}; it was erased meanwhile.`, {
            id: identityId,
          });
    }
    const current = await this.deps.galleries.findById(gallery.id, tx.db);
    if (current && current.embeddingModelId !== checked.modelId) {
      throw new AppError(
        ErrorCode.CONFLICT,
        `The gallery switched to ${current.embeddingModelId} while the photo was analysed; enroll the photo again.`,
        { galleryId: gallery.id },
      );
    }
    const targetModelId = otherModelForNewFaces(
      await this.deps.migrations.findLatest(gallery.id, tx.db),
      checked.modelId,
    );
    if (replacing && !(await this.deps.enrollment.deleteFace(tx.db, replacing.id, identityId))) {
      throw new AppError(
        ErrorCode.NOT_FOUND,
        `Face ${replacing.id} was deleted meanwhile; enroll the photo with enrollFace instead.`,
        { id: replacing.id },
      );
    }
    const likelySameAs = lookalike ? { identityId: lookalike.identity.id, score: lookalike.score } : null;
    const row = await this.deps.enrollment.insertFace(tx.db, {
      identityId,
      imageKey,
      box: { ...face.box },
      landmarks: { ...checked.detected.landmarks },
      quality: {
        ...face.quality,
        pose: { ...face.quality.pose },
        reasons: [...face.quality.reasons],
        detectionScore: face.score,
        antispoof: face.spoof.antispoof,
        liveness: face.spoof.liveness,
      },
      modelId: checked.modelId,
      embedding,
      likelySameAs,
    });
    // Under a migration started (or a rollback window closed) after the check the face has no such
    // embedding: the switch names it, and the migration started again re-embeds it.
    const target = checked.targetEmbedding;
    const targetStored =
      target !== null && target.modelId === targetModelId
        ? await this.deps.migrations.storeEmbedding(tx.db, row.id, target.modelId, target.embedding)
        : false;
    await tx.audit(
      auditEntry(actor, replacing ? 'face.replace' : 'face.enroll', `face:${row.id}`, {
        ...(replacing ? { replacedFaceId: replacing.id } : {}),
        identityId,
        galleryId: gallery.id,
        modelId: checked.modelId,
        ...(targetStored ? { targetModelId } : {}),
        qualityScore: face.quality.score,
        likelySameAs,
        ...(checked.faceChoice ? { faceChoice: checked.faceChoice } : {}),
      }),
    );
    tx.publish({
      type: 'FaceEnrolled',
      faceId: row.id,
      identityId,
      galleryId: gallery.id,
      replacedFaceId: replacing?.id ?? null,
    });
    return row;
  }

  /** Appends face.enrollRefused for a refused photo of `identityId` inside the caller's transaction. */
  async auditRefusal(
    tx: TransactionScope,
    actor: Actor,
    args: { identityId: string; gallery: GalleryRecord; refusal: EnrollmentRefusal },
  ): Promise<void> {
    const { reason, details } = args.refusal;
    await tx.audit(
      auditEntry(actor, 'face.enrollRefused', `identity:${args.identityId}`, {
        reason,
        galleryId: args.gallery.id,
        ...details,
      }),
    );
  }

  /** The Enrolled result of a face written by writeFace. */
  toEnrolled(row: FaceRecord, checked: CheckedFace): EnrollFaceModel {
    const { lookalike } = checked;
    return {
      __typename: 'Enrolled',
      face: toFaceModel(row),
      detected: checked.detected,
      warnings: lookalike
        ? [
            {
              code: 'LIKELY_SAME_AS',
              identity: toIdentityModel(lookalike.identity),
              score: lookalike.score,
              message: `This face looks like ${lookalike.identity.displayName} (score ${lookalike.score.toFixed(3)}). Check that you chose the right identity.`,
            },
          ]
        : [],
    };
  }

  /** The identity `identityId` as an enrollment target: NOT_FOUND when missing or erased, BAD_INPUT when suspended. */
  private async findIdentityTarget(
    actor: Actor,
    identityId: string,
    replacing: StoredFace | null,
  ): Promise<EnrollmentTarget> {
    const identity = await this.deps.identities.findById(identityId);
    if (!identity || identity.status === 'ERASED') {
      throw replacing
        ? notFound('face', replacing.id)
        : notFound('identity', identityId, { field: 'identityId' });
    }
    const gallery = await requireGallery(actor, identity.galleryId, (id) => this.deps.galleries.findById(id));
    if (identity.status !== 'ACTIVE') {
      throw new AppError(
        ErrorCode.BAD_INPUT,
        'The identity is suspended; reactivate it before enrolling faces.',
        { field: 'identityId' },
      );
    }
    return { gallery, identity };
  }

  private async enroll(
    actor: Actor,
    identityId: string,
    image: ImageArg,
    choice: FaceChoice | null,
    replacing: StoredFace | null,
  ): Promise<EnrollFaceModel> {
    const target = await this.findIdentityTarget(actor, identityId, replacing);
    const { gallery } = target;
    const identity = target.identity!;
    const probe = await this.deps.uploads.resolve(actor, image);
    const checked = await this.check(target, probe, choice);
    if ('refusal' in checked) {
      const { refusal } = checked;
      return this.deps.uow.transaction(async (tx) => {
        await this.auditRefusal(tx, actor, { identityId: identity.id, gallery, refusal });
        return refusal.result;
      });
    }
    const imageKey = await this.deps.images.put(probe.bytes);
    const stored = await this.deps.uow
      .transaction((tx) =>
        this.writeFace(tx, actor, { identityId: identity.id, gallery, checked, imageKey, replacing }),
      )
      .catch(async (error: unknown) => {
        // Nothing was stored, so the image goes again unless something else uses it.
        await this.deps.images.deleteUnreferenced([imageKey]);
        throw error;
      });
    return this.toEnrolled(stored, checked);
  }

  /** The read-only part of enrollment: duplicate image, analysis, face choice, quality, likely duplicate. */
  private async check(
    target: EnrollmentTarget,
    probe: { bytes: Uint8Array; sha256: string },
    choice: FaceChoice | null,
  ): Promise<CheckedFace | { refusal: EnrollmentRefusal }> {
    const { gallery, identity } = target;
    const refuse = (result: EnrollFaceModel, reason: string, details: Record<string, unknown> = {}) => ({
      refusal: { result, reason, details },
    });

    // The image key is the sha256 of the bytes, so a duplicate is found before any analysis. With a
    // face choice only the same face of the image is one: a photo of two people holds one face of each.
    const sameImage = await this.deps.enrollment.findFacesByImage(gallery.id, probe.sha256);
    const refuseDuplicate = async (duplicate: { faceId: string; identityId: string } | undefined) => {
      if (!duplicate) return null;
      const owner =
        duplicate.identityId === identity?.id
          ? identity
          : await this.deps.identities.findById(duplicate.identityId);
      if (!owner) return null;
      return refuse(
        {
          __typename: 'DuplicateImage',
          faceId: duplicate.faceId,
          identity: toIdentityModel(owner),
          message:
            owner.id === identity?.id
              ? `This ${choice ? 'face of this image' : 'image'} is already enrolled for this identity; enroll a different photo.`
              : `This ${choice ? 'face of this image' : 'image'} is already enrolled for ${owner.displayName}; enroll a different photo.`,
        },
        'DUPLICATE_IMAGE',
        { faceId: duplicate.faceId },
      );
    };
    if (choice === null) {
      const duplicate = await refuseDuplicate(sameImage[0]);
      if (duplicate) return duplicate;
    }

    // While the gallery migrates, the face is embedded with the target model too (same detection);
    // in a switched migration's rollback window, with the previous model.
    const targetModelId = otherModelForNewFaces(
      await this.deps.migrations.findLatest(gallery.id),
      gallery.embeddingModelId,
    );
    const analysis = await this.deps.recognition.analyze(probe.bytes, {
      modelId: gallery.embeddingModelId,
      ...(targetModelId ? { extraModelIds: [targetModelId] } : {}),
    });
    const chosen = chooseFace(analysis.faces, choice);
    if ('refusal' in chosen) return refuse(chosen.refusal, chosen.reason, chosen.details);
    const face = chosen.face;
    if (choice) {
      const duplicate = await refuseDuplicate(
        sameImage.find((other) => intersectionOverUnion(other.box, face.box) >= MIN_BOX_OVERLAP),
      );
      if (duplicate) return duplicate;
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
    const targetEmbedding = targetModelId ? face.extraEmbeddings?.[targetModelId] : undefined;
    if (!embedding || (targetModelId && !targetEmbedding))
      throw new Error('The engine returned a face without an embedding although one was asked for.');
    const { dims } = this.deps.recognition.modelInfo(gallery.embeddingModelId);
    const [nearest] = await this.deps.matching.searchGallery({
      galleryId: gallery.id,
      modelId: gallery.embeddingModelId,
      embedding,
      dims,
      limit: LIKELY_SAME_AS_FACES,
      ...(identity ? { excludeIdentityId: identity.id } : {}),
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
    return {
      bytes: probe.bytes,
      sha256: probe.sha256,
      face,
      embedding,
      modelId: gallery.embeddingModelId,
      targetEmbedding:
        targetModelId && targetEmbedding ? { modelId: targetModelId, embedding: targetEmbedding } : null,
      detected: toDetectedFace(face),
      lookalike: nearest && lookalike ? { identity: lookalike, score: nearest.score } : null,
      faceChoice: choice ? { kind: choice.kind, index: chosen.index, faces: analysis.faces.length } : null,
    };
  }
}
