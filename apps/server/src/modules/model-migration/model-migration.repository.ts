// Model migrations in the database: the model_migrations rows, the face_embeddings a migration
// writes (a face's embeddings under models other than faces.model_id), the probe_embeddings it writes
// for the probes of standing REJECT reviews (so their negative exemplars carry over), the swap of a
// switch and a rollback, and the exact searches of shadow mode. The only code of the module touching Prisma.
import { Prisma, type ModelMigrationStatus, type PrismaClient } from '@faceledger/db';
import type { FaceBox } from '@faceledger/schema';
import { isUuid } from '../../shared/uuid.js';
import type { Transaction } from '../audit/audit.repository.js';
import { rejectStandsSql, type FaceHit } from '../matching/matching.repository.js';
import { cosineDistanceSql, dimsSql, parseVector, vectorLiteral } from '../matching/vector-sql.js';

/** A model_migrations row. */
export interface ModelMigrationRecord {
  id: string;
  galleryId: string;
  fromModelId: string;
  toModelId: string;
  status: ModelMigrationStatus;
  jobId: string | null;
  shadowProbes: number;
  shadowSameDecision: number;
  shadowSameTop: number;
  shadowCurrentMatches: number;
  shadowTargetMatches: number;
  previousMatchThreshold: number | null;
  previousIdentifyThresholdOverride: number | null;
  switchedAt: Date | null;
  rolledBackAt: Date | null;
  createdBy: string;
  createdAt: Date;
}

/** An enrolled face as the re-embedding job needs it. */
export interface FaceToEmbed {
  faceId: string;
  identityId: string;
  imageKey: string;
  box: FaceBox;
}

/** The probe of a standing REJECT review as the re-embedding job needs it. */
export interface ProbeToEmbed {
  eventId: string;
  /** The kept probe image; null once the retention purge cleared it (the REJECT cannot be carried over). */
  imageKey: string | null;
  /** The probe face's box in the probe image; null for events recorded before boxes were kept. */
  box: FaceBox | null;
}

/** One face with its embedding under one model (the leave-one-out rates). */
export interface ModelFace {
  faceId: string;
  identityId: string;
  embedding: Float32Array;
}

/** What shadow mode adds to the counts of one migration. */
export interface ShadowCounts {
  probes: number;
  sameDecision: number;
  sameTop: number;
  currentMatches: number;
  targetMatches: number;
}

/** Faces of a gallery whose identity is not erased. */
function galleryFacesSql(galleryId: string): Prisma.Sql {
  return Prisma.sql`SELECT f.id FROM faces f JOIN identities i ON i.id = f.identity_id
    WHERE i.gallery_id = ${galleryId}::uuid AND i.status <> 'ERASED'`;
}

/** True when face `f` has an embedding under `modelId` (as its current one or kept beside it). */
function hasEmbeddingSql(modelId: string): Prisma.Sql {
  return Prisma.sql`(f.model_id = ${modelId}
    OR EXISTS (SELECT 1 FROM face_embeddings fe WHERE fe.face_id = f.id AND fe.model_id = ${modelId}))`;
}

/**
 * Standing REJECT reviews `r` of the gallery's events `e` whose probe embedding (the negative
 * exemplar) is kept and has no embedding under `modelId`: the rejections that do not apply while
 * the gallery uses `modelId`.
 */
function rejectionsWithoutSql(galleryId: string, modelId: string): Prisma.Sql {
  return Prisma.sql`
    FROM reviews r
    JOIN match_events e ON e.id = r.event_id
    JOIN identities i ON i.id = r.target_identity_id
    WHERE e.gallery_id = ${galleryId}::uuid AND i.status <> 'ERASED'
      AND ${rejectStandsSql(Prisma.sql`r`)}
      AND e.probe_embedding IS NOT NULL AND e.model_id <> ${modelId}
      AND NOT EXISTS (SELECT 1 FROM probe_embeddings pe WHERE pe.event_id = e.id AND pe.model_id = ${modelId})`;
}

export class ModelMigrationRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** The gallery's latest migration, or null. */
  async findLatest(galleryId: string, tx: Transaction = this.prisma): Promise<ModelMigrationRecord | null> {
    if (!isUuid(galleryId)) return null;
    return tx.modelMigration.findFirst({
      where: { galleryId },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    });
  }

  async findById(id: string, tx: Transaction = this.prisma): Promise<ModelMigrationRecord | null> {
    if (!isUuid(id)) return null;
    return tx.modelMigration.findUnique({ where: { id } });
  }

  /** Locks the gallery row for a switch, a rollback or a start (one at a time per gallery). */
  async lockGallery(tx: Transaction, galleryId: string): Promise<void> {
    await tx.$queryRaw`SELECT id FROM galleries WHERE id = ${galleryId}::uuid FOR UPDATE`;
  }

  /**
   * Takes the gallery row's share lock inside `tx` (enrollment writing a face): a start, switch or
   * rollback, which lock it for update, waits for the face's commit, or the face for theirs.
   */
  async lockGalleryShared(tx: Transaction, galleryId: string): Promise<void> {
    await tx.$queryRaw`SELECT id FROM galleries WHERE id = ${galleryId}::uuid FOR SHARE`;
  }

  async create(
    tx: Transaction,
    row: { galleryId: string; fromModelId: string; toModelId: string; createdBy: string },
  ): Promise<ModelMigrationRecord> {
    return tx.modelMigration.create({ data: row });
  }

  async update(
    tx: Transaction,
    id: string,
    fields: Partial<
      Pick<
        ModelMigrationRecord,
        | 'status'
        | 'jobId'
        | 'previousMatchThreshold'
        | 'previousIdentifyThresholdOverride'
        | 'switchedAt'
        | 'rolledBackAt'
      >
    >,
  ): Promise<ModelMigrationRecord> {
    return tx.modelMigration.update({ where: { id }, data: fields });
  }

  /** Cancels the gallery's open migrations (any status but CANCELLED) other than `exceptId`. */
  async cancelOthers(tx: Transaction, galleryId: string, exceptId: string): Promise<number> {
    const { count } = await tx.modelMigration.updateMany({
      where: { galleryId, id: { not: exceptId }, status: { not: 'CANCELLED' } },
      data: { status: 'CANCELLED' },
    });
    return count;
  }

  /** Drops the gallery's kept embeddings of every model but `keepModelId` (store the least). */
  async dropOtherEmbeddings(tx: Transaction, galleryId: string, keepModelId: string): Promise<number> {
    return tx.$executeRaw`
      DELETE FROM face_embeddings fe
      WHERE fe.model_id <> ${keepModelId} AND fe.face_id IN (${galleryFacesSql(galleryId)})`;
  }

  /**
   * Drops the embeddings of the gallery's probes under every model but `keepModelIds` (the gallery's
   * own and the new target: exemplars carried to a model the gallery left go).
   */
  async dropOtherProbeEmbeddings(
    tx: Transaction,
    galleryId: string,
    keepModelIds: readonly string[],
  ): Promise<number> {
    return tx.$executeRaw`
      DELETE FROM probe_embeddings pe USING match_events e
      WHERE e.id = pe.event_id AND e.gallery_id = ${galleryId}::uuid
        AND pe.model_id NOT IN (${Prisma.join([...keepModelIds])})`;
  }

  /**
   * Ids of the gallery's events whose probe a standing REJECT keeps as a negative exemplar, whose
   * probe image is still kept, without an embedding under `modelId`: the probes the job embeds, oldest first.
   */
  async probesWithout(galleryId: string, modelId: string, tx: Transaction = this.prisma): Promise<string[]> {
    const rows = await tx.$queryRaw<Array<{ id: string }>>`
      SELECT e.id::text AS id ${rejectionsWithoutSql(galleryId, modelId)} AND e.probe_image_key IS NOT NULL
      GROUP BY e.id ORDER BY min(e.created_at), e.id`;
    return rows.map((r) => r.id);
  }

  /**
   * How many standing REJECTs (event and identity) of the gallery have no probe embedding under
   * `modelId`, so do not apply while the gallery uses it.
   */
  async countRejectionsWithout(
    galleryId: string,
    modelId: string,
    tx: Transaction = this.prisma,
  ): Promise<number> {
    const rows = await tx.$queryRaw<Array<{ count: number }>>`
      SELECT count(DISTINCT (r.event_id, r.target_identity_id))::int AS count ${rejectionsWithoutSql(galleryId, modelId)}`;
    return rows[0]?.count ?? 0;
  }

  /**
   * The probe of event `eventId` to embed, or null when nothing needs it any more: the event is
   * gone, its probe embedding cleared (erasure, purge) or no REJECT of it stands.
   */
  async findProbeToEmbed(eventId: string): Promise<ProbeToEmbed | null> {
    if (!isUuid(eventId)) return null;
    const rows = await this.prisma.$queryRaw<
      Array<{ eventId: string; imageKey: string | null; box: FaceBox | null }>
    >`
      SELECT e.id::text AS "eventId", e.probe_image_key AS "imageKey", e.probe_box AS box
      FROM match_events e
      WHERE e.id = ${eventId}::uuid AND e.probe_embedding IS NOT NULL
        AND EXISTS (SELECT 1 FROM reviews r WHERE r.event_id = e.id AND ${rejectStandsSql(Prisma.sql`r`)})`;
    return rows[0] ?? null;
  }

  /**
   * Stores the probe's embedding under `modelId` beside its own inside `tx`, under the event row's
   * share lock (an erasure or purge clearing the probe finishes first, and the probe is then gone).
   * False when the probe embedding was cleared or `modelId` is the event's own model.
   */
  async storeProbeEmbedding(
    tx: Transaction,
    eventId: string,
    modelId: string,
    embedding: ArrayLike<number>,
  ): Promise<boolean> {
    const live = await tx.$queryRaw<Array<{ modelId: string }>>`
      SELECT model_id AS "modelId" FROM match_events
      WHERE id = ${eventId}::uuid AND probe_embedding IS NOT NULL
      FOR SHARE`;
    const event = live[0];
    if (!event || event.modelId === modelId) return false;
    await tx.$executeRaw`
      INSERT INTO probe_embeddings (event_id, model_id, embedding)
      VALUES (${eventId}::uuid, ${modelId}, ${vectorLiteral(embedding)}::vector)
      ON CONFLICT (event_id, model_id) DO UPDATE SET embedding = EXCLUDED.embedding, created_at = now()`;
    return true;
  }

  /** Ids of the gallery's faces (identities not erased) without an embedding under `modelId`, oldest first. */
  async facesWithout(galleryId: string, modelId: string, tx: Transaction = this.prisma): Promise<string[]> {
    const rows = await tx.$queryRaw<Array<{ id: string }>>`
      SELECT f.id::text AS id FROM faces f JOIN identities i ON i.id = f.identity_id
      WHERE i.gallery_id = ${galleryId}::uuid AND i.status <> 'ERASED' AND NOT ${hasEmbeddingSql(modelId)}
      ORDER BY f.created_at, f.id`;
    return rows.map((r) => r.id);
  }

  /**
   * The gallery's faces (identities ACTIVE or SUSPENDED) without an embedding under `modelId` that
   * job `jobId` did not try and fail on (IMAGE_MISSING, NO_FACE): faces the re-embedding never
   * reached (every face without one when `jobId` is null). At most `limit`, oldest first, and the count.
   */
  async facesNotReEmbedded(
    galleryId: string,
    modelId: string,
    jobId: string | null,
    limit: number,
    tx: Transaction = this.prisma,
  ): Promise<{ rows: Array<{ faceId: string; identityId: string }>; count: number }> {
    const tried = jobId
      ? Prisma.sql`AND NOT EXISTS (SELECT 1 FROM job_items ji WHERE ji.job_id = ${jobId}::uuid
          AND ji.outcome IN ('IMAGE_MISSING', 'NO_FACE') AND ji.input->>'faceId' = f.id::text)`
      : Prisma.empty;
    const where = Prisma.sql`
      FROM faces f JOIN identities i ON i.id = f.identity_id
      WHERE i.gallery_id = ${galleryId}::uuid AND i.status IN ('ACTIVE', 'SUSPENDED')
        AND NOT ${hasEmbeddingSql(modelId)} ${tried}`;
    const rows = await tx.$queryRaw<Array<{ faceId: string; identityId: string }>>`
      SELECT f.id::text AS "faceId", f.identity_id::text AS "identityId" ${where}
      ORDER BY f.created_at, f.id LIMIT ${limit}`;
    const counted = await tx.$queryRaw<Array<{ count: number }>>`SELECT count(*)::int AS count ${where}`;
    return { rows, count: counted[0]?.count ?? 0 };
  }

  /** The face to re-embed, or null when it was deleted or its identity erased. */
  async findFaceToEmbed(faceId: string): Promise<FaceToEmbed | null> {
    if (!isUuid(faceId)) return null;
    const row = await this.prisma.face.findFirst({
      where: { id: faceId, identity: { status: { not: 'ERASED' } } },
      select: { id: true, identityId: true, imageKey: true, box: true },
    });
    return row
      ? {
          faceId: row.id,
          identityId: row.identityId,
          imageKey: row.imageKey,
          box: row.box as unknown as FaceBox,
        }
      : null;
  }

  /**
   * Stores the face's embedding under `modelId` inside `tx`, under its identity's FOR SHARE lock (so
   * an erasure in progress finishes first and the face is then gone). False when the face is gone,
   * its identity erased, or `modelId` is already its current model.
   */
  async storeEmbedding(
    tx: Transaction,
    faceId: string,
    modelId: string,
    embedding: ArrayLike<number>,
  ): Promise<boolean> {
    const live = await tx.$queryRaw<Array<{ modelId: string }>>`
      SELECT f.model_id AS "modelId" FROM faces f JOIN identities i ON i.id = f.identity_id
      WHERE f.id = ${faceId}::uuid AND i.status <> 'ERASED'
      FOR SHARE OF i`;
    const face = live[0];
    if (!face || face.modelId === modelId) return false;
    await tx.$executeRaw`
      INSERT INTO face_embeddings (face_id, model_id, embedding)
      VALUES (${faceId}::uuid, ${modelId}, ${vectorLiteral(embedding)}::vector)
      ON CONFLICT (face_id, model_id) DO UPDATE SET embedding = EXCLUDED.embedding, created_at = now()`;
    return true;
  }

  /**
   * Makes `toModelId` the current model of every face of the gallery that has an embedding under it
   * (inside `tx`): the current `fromModelId` embedding moves to face_embeddings, the kept one into
   * faces. Faces without one keep their old model. Returns the faces switched.
   */
  async swapEmbeddings(
    tx: Transaction,
    galleryId: string,
    fromModelId: string,
    toModelId: string,
  ): Promise<number> {
    await tx.$executeRaw`
      INSERT INTO face_embeddings (face_id, model_id, embedding)
      SELECT f.id, f.model_id, f.embedding FROM faces f
      WHERE f.id IN (${galleryFacesSql(galleryId)}) AND f.model_id = ${fromModelId}
        AND EXISTS (SELECT 1 FROM face_embeddings fe WHERE fe.face_id = f.id AND fe.model_id = ${toModelId})
      ON CONFLICT (face_id, model_id) DO UPDATE SET embedding = EXCLUDED.embedding`;
    const switched = await tx.$executeRaw`
      UPDATE faces f SET model_id = fe.model_id, embedding = fe.embedding
      FROM face_embeddings fe
      WHERE fe.face_id = f.id AND fe.model_id = ${toModelId} AND f.model_id = ${fromModelId}
        AND f.id IN (${galleryFacesSql(galleryId)})`;
    await tx.$executeRaw`
      DELETE FROM face_embeddings fe USING faces f
      WHERE fe.face_id = f.id AND fe.model_id = ${toModelId} AND f.model_id = ${toModelId}
        AND f.id IN (${galleryFacesSql(galleryId)})`;
    return switched;
  }

  /**
   * Exact search of shadow mode: the faces of the gallery's ACTIVE identities nearest to the probe
   * under a kept model (face_embeddings has no HNSW index; a gallery's rows are few enough).
   */
  async searchKept(
    galleryId: string,
    modelId: string,
    embedding: ArrayLike<number>,
    dims: number,
    limit: number,
  ): Promise<FaceHit[]> {
    const distance = cosineDistanceSql(Prisma.sql`fe.embedding`, vectorLiteral(embedding), dims);
    const rows = await this.prisma.$queryRaw<Array<{ faceId: string; identityId: string; distance: number }>>`
      SELECT f.id AS "faceId", f.identity_id AS "identityId", (${distance})::float8 AS distance
      FROM face_embeddings fe
      JOIN faces f ON f.id = fe.face_id
      JOIN identities i ON i.id = f.identity_id
      WHERE fe.model_id = ${modelId} AND vector_dims(fe.embedding) = ${dimsSql(dims)}
        AND i.gallery_id = ${galleryId}::uuid AND i.status = 'ACTIVE'
      ORDER BY ${distance}
      LIMIT ${limit}`;
    return rows.map((r) => ({ faceId: r.faceId, identityId: r.identityId, score: 1 - Number(r.distance) }));
  }

  /** Adds shadow counts to a migration inside `tx`. */
  async addShadowCounts(tx: Transaction, id: string, counts: ShadowCounts): Promise<void> {
    await tx.modelMigration.update({
      where: { id },
      data: {
        shadowProbes: { increment: counts.probes },
        shadowSameDecision: { increment: counts.sameDecision },
        shadowSameTop: { increment: counts.sameTop },
        shadowCurrentMatches: { increment: counts.currentMatches },
        shadowTargetMatches: { increment: counts.targetMatches },
      },
    });
  }

  /** Every face of the gallery's ACTIVE identities with its embedding under `modelId` (current or kept); at most `limit`. */
  async facesUnder(galleryId: string, modelId: string, limit: number): Promise<ModelFace[]> {
    const rows = await this.prisma.$queryRaw<
      Array<{ faceId: string; identityId: string; embedding: string }>
    >`
      SELECT f.id::text AS "faceId", f.identity_id::text AS "identityId",
             (CASE WHEN f.model_id = ${modelId} THEN f.embedding ELSE fe.embedding END)::text AS embedding
      FROM faces f
      JOIN identities i ON i.id = f.identity_id
      LEFT JOIN face_embeddings fe ON fe.face_id = f.id AND fe.model_id = ${modelId}
      WHERE i.gallery_id = ${galleryId}::uuid AND i.status = 'ACTIVE'
        AND (f.model_id = ${modelId} OR fe.face_id IS NOT NULL)
      ORDER BY f.id
      LIMIT ${limit}`;
    return rows.map((r) => ({
      faceId: r.faceId,
      identityId: r.identityId,
      embedding: parseVector(r.embedding),
    }));
  }

  /** Faces of the gallery's ACTIVE identities (the leave-one-out set's size). */
  async countActiveFaces(galleryId: string): Promise<number> {
    return this.prisma.face.count({ where: { identity: { galleryId, status: 'ACTIVE' } } });
  }

  /**
   * The missing faces of a job: items with outcome IMAGE_MISSING or NO_FACE whose face still exists
   * (identity not erased) and still has no embedding under `modelId`; at most `limit`, and the count.
   */
  async missingFaces(
    jobId: string,
    modelId: string,
    limit: number,
    tx: Transaction = this.prisma,
  ): Promise<{
    rows: Array<{ faceId: string; identityId: string; reason: 'IMAGE_MISSING' | 'NO_FACE'; message: string }>;
    count: number;
  }> {
    const where = Prisma.sql`
      FROM job_items ji
      JOIN faces f ON f.id = (ji.input->>'faceId')::uuid
      JOIN identities i ON i.id = f.identity_id
      WHERE ji.job_id = ${jobId}::uuid AND ji.outcome IN ('IMAGE_MISSING', 'NO_FACE')
        AND i.status <> 'ERASED' AND NOT ${hasEmbeddingSql(modelId)}`;
    const rows = await tx.$queryRaw<
      Array<{
        faceId: string;
        identityId: string;
        reason: 'IMAGE_MISSING' | 'NO_FACE';
        message: string | null;
      }>
    >`SELECT f.id::text AS "faceId", f.identity_id::text AS "identityId", ji.outcome AS reason, ji.message
      ${where} ORDER BY ji.index LIMIT ${limit}`;
    const counted = await tx.$queryRaw<Array<{ count: number }>>`SELECT count(*)::int AS count ${where}`;
    return {
      rows: rows.map((r) => ({ ...r, message: r.message ?? '' })),
      count: counted[0]?.count ?? 0,
    };
  }
}
