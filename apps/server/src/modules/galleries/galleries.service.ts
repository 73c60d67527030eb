// Galleries: create, change, delete and read them, with their threshold, model and retention rules.
import type { CreateGalleryInput, Gallery, UpdateGalleryInput } from '@faceledger/schema';
import { z } from 'zod';
import type { RecognitionRepository } from '../../infrastructure/recognition/recognition.repository.js';
import { AppError, ErrorCode } from '../../shared/app-error.js';
import { notFound } from '../../shared/not-found.js';
import { parseInput } from '../../shared/parse-input.js';
import type { Transaction, UnitOfWork } from '../../infrastructure/unit-of-work/unit-of-work.js';
import { auditEntry, type Actor } from '../auth/actor.js';
import { galleryScope, requireGallery } from '../auth/gallery-access.js';
import { authorize } from '../auth/permissions.js';
import type { GalleriesRepository, GalleryFields, GalleryRecord } from './galleries.repository.js';
import { effectiveIdentifyThreshold, MAX_IDENTIFY_SCORE } from './identify-threshold.js';

/** The engine's default embedding model, used while the engine is not loaded yet. */
export const FALLBACK_EMBEDDING_MODEL_ID = 'faceapi-resnet128';
/** That model's best LFW pair threshold (its registry entry), for galleries made while the engine loads. */
const FALLBACK_MODEL_THRESHOLD = 0.911;

const name = z
  .string()
  .trim()
  .min(1, 'name must not be empty; give the gallery a name.')
  .max(200, 'name must be at most 200 characters.');
const description = z.string().trim().max(2000, 'description must be at most 2000 characters.');
const matchThreshold = z
  .number()
  .gt(
    0,
    'matchThreshold must be greater than 0 and less than 1, such as 0.9 (cosine similarity; the default model separates people at about 0.91).',
  )
  .lt(
    1,
    'matchThreshold must be greater than 0 and less than 1, such as 0.9 (cosine similarity; the default model separates people at about 0.91).',
  );
const identifyTargetFpir = z
  .number()
  .min(
    0.001,
    'identifyTargetFpir must be from 0.001 to 0.5, such as 0.01 (1 stranger in 100 answered MATCH); stricter targets are not calibrated.',
  )
  .max(0.5, 'identifyTargetFpir must be from 0.001 to 0.5, such as 0.01 (1 stranger in 100 answered MATCH).');
const identifyThresholdOverrideRange = `identifyThresholdOverride must be greater than 0 and at most ${MAX_IDENTIFY_SCORE} (an identify score, such as 0.97); leave it out to follow the calibration.`;
const identifyThresholdOverride = z.number().gt(0, identifyThresholdOverrideRange).lte(MAX_IDENTIFY_SCORE, identifyThresholdOverrideRange);
const embeddingModelId = z
  .string()
  .trim()
  .min(1, 'embeddingModelId must not be empty; leave it out for the default model.');
const probeRetentionDays = z
  .number()
  .int('probeRetentionDays must be a whole number of days.')
  .min(0, 'probeRetentionDays must be 0 (keep no probe images) or more.')
  .max(36_500, 'probeRetentionDays must be at most 36500.');

const createSchema = z.object({
  name,
  description: description.nullish().transform((v) => v ?? ''),
  matchThreshold: matchThreshold.nullish(),
  identifyTargetFpir: identifyTargetFpir.nullish().transform((v) => v ?? 0.01),
  identifyThresholdOverride: identifyThresholdOverride.nullish().transform((v) => v ?? null),
  embeddingModelId: embeddingModelId.nullish(),
  probeRetentionDays: probeRetentionDays.nullish().transform((v) => v ?? 30),
  forbidLikelyDuplicates: z
    .boolean()
    .nullish()
    .transform((v) => v ?? false),
});

/** Null in an update means "leave as is", like a field left out. */
const updateSchema = z.object({
  name: name.nullish(),
  description: description.nullish(),
  matchThreshold: matchThreshold.nullish(),
  identifyTargetFpir: identifyTargetFpir.nullish(),
  identifyThresholdOverride: identifyThresholdOverride.nullish(),
  clearIdentifyThresholdOverride: z.boolean().nullish(),
  embeddingModelId: embeddingModelId.nullish(),
  probeRetentionDays: probeRetentionDays.nullish(),
  forbidLikelyDuplicates: z.boolean().nullish(),
});

function toGallery(record: GalleryRecord): Gallery {
  const identify = effectiveIdentifyThreshold(record);
  const { activeIdentityCount: _active, ...fields } = record;
  return {
    ...fields,
    identifyThreshold: identify.threshold,
    identifyThresholdSource: identify.source,
    estimatedFpir: identify.estimatedFpir,
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
  };
}

export class GalleriesService {
  constructor(
    private readonly galleries: GalleriesRepository,
    private readonly uow: Pick<UnitOfWork, 'transaction'>,
    private readonly recognition: RecognitionRepository,
  ) {}

  async list(actor: Actor): Promise<Gallery[]> {
    authorize(actor, 'galleries.read');
    return (await this.galleries.list(galleryScope(actor))).map(toGallery);
  }

  async get(actor: Actor, id: string): Promise<Gallery> {
    authorize(actor, 'galleries.read');
    return toGallery(await requireGallery(actor, id, (galleryId) => this.galleries.findById(galleryId)));
  }

  async create(actor: Actor, input: CreateGalleryInput): Promise<Gallery> {
    authorize(actor, 'galleries.create');
    const parsed = parseInput(createSchema, input);
    const embeddingModelId = this.checkModel(parsed.embeddingModelId ?? this.defaultModelId());
    const fields: GalleryFields = {
      ...parsed,
      embeddingModelId,
      matchThreshold: parsed.matchThreshold ?? this.defaultThreshold(embeddingModelId),
    };
    const created = await this.uow.transaction(async (tx) => {
      await this.checkNameFree(fields.name, null, tx.db);
      const gallery = await this.galleries.create(tx.db, fields);
      await tx.audit(auditEntry(actor, 'gallery.create', `gallery:${gallery.id}`, { ...fields }));
      return gallery;
    });
    return toGallery(created);
  }

  async update(actor: Actor, id: string, input: UpdateGalleryInput): Promise<Gallery> {
    authorize(actor, 'galleries.write');
    const { clearIdentifyThresholdOverride, ...parsed } = parseInput(updateSchema, input);
    const changes: Partial<GalleryFields> = {};
    for (const [key, value] of Object.entries(parsed) as Array<[keyof GalleryFields, unknown]>) {
      if (value !== null && value !== undefined) Object.assign(changes, { [key]: value });
    }
    if (clearIdentifyThresholdOverride === true) {
      if (changes.identifyThresholdOverride !== undefined)
        throw new AppError(
          ErrorCode.BAD_INPUT,
          'Give either identifyThresholdOverride or clearIdentifyThresholdOverride, not both.',
          { field: 'clearIdentifyThresholdOverride' },
        );
      changes.identifyThresholdOverride = null;
    }
    if (changes.embeddingModelId !== undefined)
      changes.embeddingModelId = this.checkModel(changes.embeddingModelId);
    const updated = await this.uow.transaction(async (tx) => {
      const current = await this.galleries.findById(id, tx.db);
      if (!current) throw notFound('gallery', id);
      if (changes.name !== undefined) await this.checkNameFree(changes.name, id, tx.db);
      if (changes.embeddingModelId !== undefined && changes.embeddingModelId !== current.embeddingModelId) {
        const { faces } = await this.galleries.countContents(id, tx.db);
        if (faces > 0) {
          throw new AppError(
            ErrorCode.CONFLICT,
            `The gallery has ${faces} enrolled faces made with ${current.embeddingModelId}; faces of another model cannot be compared with them. Move the gallery with startModelMigration (it re-embeds every face from its stored photo, then you switch), or create a new gallery for ${changes.embeddingModelId}.`,
            { field: 'embeddingModelId' },
          );
        }
      }
      const gallery = await this.galleries.update(tx.db, id, changes);
      const diff: Record<string, { from: unknown; to: unknown }> = {};
      for (const key of Object.keys(changes) as Array<keyof GalleryFields>) {
        if (current[key] !== gallery[key]) diff[key] = { from: current[key], to: gallery[key] };
      }
      await tx.audit(auditEntry(actor, 'gallery.update', `gallery:${id}`, { changes: diff }));
      return gallery;
    });
    return toGallery(updated);
  }

  /** Deletes a gallery that holds no identities but erased tombstones and no active restricted API key. */
  async delete(actor: Actor, id: string): Promise<string> {
    authorize(actor, 'galleries.write');
    return this.uow.transaction(async (tx) => {
      const current = await this.galleries.findById(id, tx.db);
      if (!current) throw notFound('gallery', id);
      const { liveIdentities, activeApiKeys } = await this.galleries.countContents(id, tx.db);
      if (liveIdentities > 0) {
        throw new AppError(
          ErrorCode.CONFLICT,
          `The gallery "${current.name}" still holds ${liveIdentities} identities; erase them first (eraseIdentity), so their biometric data is removed and audited one by one.`,
          { id, liveIdentities },
        );
      }
      if (activeApiKeys > 0) {
        throw new AppError(
          ErrorCode.CONFLICT,
          `${activeApiKeys} active API keys are restricted to the gallery "${current.name}"; revoke them first.`,
          { id, activeApiKeys },
        );
      }
      const { tombstonesDeleted, apiKeysDeleted } = await this.galleries.delete(tx.db, id);
      await tx.audit(
        auditEntry(actor, 'gallery.delete', `gallery:${id}`, {
          name: current.name,
          tombstonesDeleted,
          revokedApiKeysDeleted: apiKeysDeleted,
        }),
      );
      return id;
    });
  }

  private defaultModelId(): string {
    return this.recognition.status().info?.defaultModel ?? FALLBACK_EMBEDDING_MODEL_ID;
  }

  /** The model's registered pair threshold; while the engine loads only the fallback model's is known. */
  private defaultThreshold(modelId: string): number {
    const known = this.recognition.status().info?.models.find((m) => m.id === modelId)?.threshold;
    if (known !== undefined) return known;
    if (modelId === FALLBACK_EMBEDDING_MODEL_ID) return FALLBACK_MODEL_THRESHOLD;
    throw new AppError(
      ErrorCode.BAD_INPUT,
      `Give matchThreshold: the default for ${modelId} is known once the recognition engine has loaded (see /healthz).`,
      { field: 'matchThreshold' },
    );
  }

  /** Refuses a model the loaded engine does not know; while it loads, any id is accepted. */
  private checkModel(modelId: string): string {
    const models = this.recognition.status().info?.models;
    if (models && !models.some((m) => m.id === modelId)) {
      throw new AppError(
        ErrorCode.BAD_INPUT,
        `Unknown embedding model "${modelId}"; use one of ${models.map((m) => m.id).join(', ')}, or leave it out for the default.`,
        { field: 'embeddingModelId' },
      );
    }
    return modelId;
  }

  private async checkNameFree(name: string, exceptId: string | null, tx: Transaction): Promise<void> {
    const taken = await this.galleries.findByName(name, exceptId, tx);
    if (taken) {
      throw new AppError(
        ErrorCode.CONFLICT,
        `A gallery named "${name}" already exists (id ${taken.id}); choose another name, or update that gallery.`,
        { field: 'name', existingId: taken.id },
      );
    }
  }
}
