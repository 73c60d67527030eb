// Face search and match events: the pgvector queries of identify, verify and enrollment, the
// negative exemplars left by REJECT reviews, and the rows every recognition call records.
import { Prisma, type MatchDecision, type MatchKind, type PrismaClient } from '@faceledger/db';
import type { FaceBox } from '@faceledger/schema';
import { isUuid } from '../../shared/uuid.js';
import type { Transaction } from '../audit/audit.repository.js';
import type { FaceRecord } from '../identities/identities.repository.js';
import { cosineDistanceSql, dimsSql, vectorLiteral } from './vector-sql.js';

/** The columns of a face the API shows (never the embedding). */
export const FACE_COLUMNS = {
  id: true,
  identityId: true,
  imageKey: true,
  box: true,
  landmarks: true,
  quality: true,
  modelId: true,
  createdAt: true,
} as const satisfies Prisma.FaceSelect;

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
  /** Box of the probe face the event is about, in decoded probe pixels; null when there is none (detect, no face). */
  probeBox: FaceBox | null;
  candidates: readonly NewCandidate[];
}

/** A probe whose retention ended. */
export interface ExpiredProbe {
  eventId: string;
  /** The probe image it held (to delete when nothing else uses it); null when it held none. */
  imageKey: string | null;
  /** Whether its probe embedding was cleared (false: none, or a standing REJECT keeps it). */
  embeddingCleared: boolean;
}

/**
 * True when REJECT review `r` stands: no later CONFIRM or REASSIGN of the same event to the same
 * identity overturned it.
 */
export function rejectStandsSql(r: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`${r}.verdict = 'REJECT'
      AND NOT EXISTS (
        SELECT 1 FROM reviews later
        WHERE later.event_id = ${r}.event_id
          AND later.target_identity_id = ${r}.target_identity_id
          AND later.verdict IN ('CONFIRM', 'REASSIGN')
          AND (later.created_at, later.id) > (${r}.created_at, ${r}.id)
      )`;
}

/**
 * True when a REJECT review of event `e` stands (rejectStandsSql). Such an event's probe embedding
 * is a negative exemplar.
 */
function standingRejectOf(e: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`EXISTS (
    SELECT 1 FROM reviews r
    WHERE r.event_id = ${e}.id AND ${rejectStandsSql(Prisma.sql`r`)})`;
}

/**
 * Smallest HNSW candidate list (pgvector's hnsw.ef_search) a search uses. Measured with
 * `npm run bench:identify` (README) at 100k faces on the m = 32, ef_construction = 200 indexes:
 * recall@1 1.000 at p95 17.6 ms.
 */
export const DEFAULT_EF_SEARCH = 100;

/** HNSW candidate list size: at least `minimum`, enough for the rows asked for, at most pgvector's maximum. */
function efSearchFor(limit: number, minimum: number): number {
  return Math.min(1000, Math.max(minimum, limit * 2));
}

/** The k-NN query of searchGallery, in the HNSW index's own expression (exported for the EXPLAIN test). */
export function gallerySearchSql(search: GallerySearch): Prisma.Sql {
  const distance = cosineDistanceSql(Prisma.sql`f.embedding`, vectorLiteral(search.embedding), search.dims);
  return Prisma.sql`
    SELECT f.id AS "faceId", f.identity_id AS "identityId", (${distance})::float8 AS distance
    FROM faces f
    JOIN identities i ON i.id = f.identity_id
    WHERE vector_dims(f.embedding) = ${dimsSql(search.dims)}
      AND i.gallery_id = ${search.galleryId}::uuid
      AND f.model_id = ${search.modelId}
      AND ${search.activeOnly ? Prisma.sql`i.status = 'ACTIVE'` : Prisma.sql`i.status <> 'ERASED'`}
      ${search.excludeIdentityId ? Prisma.sql`AND f.identity_id <> ${search.excludeIdentityId}::uuid` : Prisma.empty}
    ORDER BY ${distance}
    LIMIT ${search.limit}`;
}

export class MatchingRepository {
  private iterativeScan: Promise<boolean> | null = null;

  constructor(
    private readonly prisma: PrismaClient,
    /** Smallest hnsw.ef_search of a search: higher finds the true nearest faces more often, slower. */
    private readonly minEfSearch: number = DEFAULT_EF_SEARCH,
  ) {}

  /**
   * The faces nearest to a probe inside one gallery, nearest first, through the HNSW index of the
   * probe's width. The index covers every gallery, so the gallery and status filters apply to the
   * index's candidates: ef_search is raised to the limit and, on pgvector 0.8+, the scan iterates
   * until enough rows pass the filters.
   */
  async searchGallery(search: GallerySearch): Promise<FaceHit[]> {
    const iterative = await this.supportsIterativeScan();
    return this.prisma.$transaction(async (tx) => {
      await tx.$executeRawUnsafe(`SET LOCAL hnsw.ef_search = ${efSearchFor(search.limit, this.minEfSearch)}`);
      if (iterative) await tx.$executeRawUnsafe(`SET LOCAL hnsw.iterative_scan = relaxed_order`);
      const rows = await tx.$queryRaw<Array<{ faceId: string; identityId: string; distance: number }>>(
        gallerySearchSql(search),
      );
      // relaxed_order may return rows slightly out of order; sort them exactly.
      return rows
        .map((r) => ({ faceId: r.faceId, identityId: r.identityId, score: 1 - Number(r.distance) }))
        .sort((a, b) => b.score - a.score);
    });
  }

  /** The best cosine similarity between a probe and one identity's faces (verify), or null without faces. */
  async bestFaceOfIdentity(
    identityId: string,
    modelId: string,
    embedding: ArrayLike<number>,
    dims: number,
  ): Promise<FaceHit | null> {
    const distance = cosineDistanceSql(Prisma.sql`embedding`, vectorLiteral(embedding), dims);
    const rows = await this.prisma.$queryRaw<Array<{ faceId: string; distance: number }>>`
      SELECT id AS "faceId", (${distance})::float8 AS distance
      FROM faces
      WHERE identity_id = ${identityId}::uuid AND model_id = ${modelId} AND vector_dims(embedding) = ${dimsSql(dims)}
      ORDER BY ${distance}
      LIMIT 1`;
    const row = rows[0];
    return row ? { faceId: row.faceId, identityId, score: 1 - Number(row.distance) } : null;
  }

  /**
   * Which of `identityIds` have a negative exemplar near the probe: a REJECT review of a match event
   * whose probe embedding has cosine similarity >= `minSimilarity` with this probe, not overturned by
   * a later CONFIRM or REASSIGN of the same event to that identity. Only the probe's embedding under
   * `model` counts (two models of one width give unrelated vectors): its own when the event was
   * recorded with `model`, else the one a model migration stored in probe_embeddings (carried over).
   */
  async identitiesRejectedNear(
    identityIds: readonly string[],
    embedding: ArrayLike<number>,
    model: { id: string; dims: number },
    minSimilarity: number,
  ): Promise<Set<string>> {
    if (identityIds.length === 0) return new Set();
    const dims = model.dims;
    // The exemplar under `model`: the probe's own embedding, or the one carried over beside it.
    const exemplar = Prisma.sql`(CASE WHEN e.model_id = ${model.id} THEN e.probe_embedding ELSE pe.embedding END)`;
    const distance = cosineDistanceSql(exemplar, vectorLiteral(embedding), dims);
    const rows = await this.prisma.$queryRaw<Array<{ identityId: string }>>`
      SELECT DISTINCT r.target_identity_id AS "identityId"
      FROM reviews r
      JOIN match_events e ON e.id = r.event_id
      LEFT JOIN probe_embeddings pe ON pe.event_id = e.id AND pe.model_id = ${model.id}
      WHERE r.target_identity_id IN (${Prisma.join(identityIds.map((id) => Prisma.sql`${id}::uuid`))})
        AND ${rejectStandsSql(Prisma.sql`r`)}
        AND e.probe_embedding IS NOT NULL
        AND ${exemplar} IS NOT NULL
        AND vector_dims(${exemplar}) = ${dimsSql(dims)}
        AND 1 - (${distance}) >= ${minSimilarity}`;
    return new Set(rows.map((r) => r.identityId));
  }

  /** Records one event and its candidates inside `tx`; returns its id and its stored created_at. */
  async createEvent(tx: Transaction, event: NewMatchEvent): Promise<{ id: string; createdAt: Date }> {
    const embedding = event.probeEmbedding ? vectorLiteral(event.probeEmbedding) : null;
    const box = event.probeBox ? JSON.stringify(event.probeBox) : null;
    const rows = await tx.$queryRaw<Array<{ id: string; created_at: Date }>>`
      INSERT INTO match_events (id, kind, gallery_id, probe_image_key, probe_sha256, requester_user_id, requester_key_id,
                                threshold, model_id, decision, latency_ms, probe_embedding, probe_box)
      VALUES (gen_random_uuid(), ${event.kind}::"MatchKind", ${event.galleryId}::uuid, ${event.probeImageKey}, ${event.probeSha256},
              ${event.requesterUserId}::uuid, ${event.requesterKeyId}::uuid, ${event.threshold}::float8, ${event.modelId},
              ${event.decision}::"MatchDecision", ${event.latencyMs}::int, ${embedding}::vector, ${box}::jsonb)
      RETURNING id, created_at`;
    const row = rows[0];
    if (!row) throw new Error('INSERT INTO match_events returned no id');
    const { id } = row;
    if (event.candidates.length > 0) {
      await tx.matchCandidate.createMany({ data: event.candidates.map((c) => ({ ...c, eventId: id })) });
    }
    return { id, createdAt: new Date(row.created_at) };
  }

  /**
   * How many events hold a probe image, or a probe embedding that no standing REJECT keeps, whose
   * retention has ended at `now` (a cheap check before purging).
   */
  async countExpiredProbes(now: Date): Promise<number> {
    const rows = await this.prisma.$queryRaw<Array<{ count: bigint | number }>>`
      SELECT count(*) AS count
      FROM match_events e
      LEFT JOIN galleries g ON g.id = e.gallery_id
      WHERE (g.id IS NULL OR e.created_at <= ${now}::timestamptz - make_interval(days => g.probe_retention_days))
        AND (e.probe_image_key IS NOT NULL OR (e.probe_embedding IS NOT NULL AND NOT ${standingRejectOf(Prisma.sql`e`)}))`;
    return Number(rows[0]?.count ?? 0);
  }

  /**
   * Ends the retention of every probe whose gallery's probeRetentionDays have passed at `now` (and
   * of events whose gallery is gone), inside `tx`: clears the probe image key, and the probe
   * embedding unless a standing REJECT review of the event uses it as a negative exemplar (that one
   * is kept until the review is overturned or the identity it names is erased). Returns what it cleared.
   */
  async expireProbes(tx: Transaction, now: Date): Promise<ExpiredProbe[]> {
    return tx.$queryRaw<ExpiredProbe[]>`
      WITH expired AS (
        SELECT e.id, e.probe_image_key,
               (e.probe_embedding IS NOT NULL AND NOT ${standingRejectOf(Prisma.sql`e`)}) AS drop_embedding
        FROM match_events e
        LEFT JOIN galleries g ON g.id = e.gallery_id
        WHERE (g.id IS NULL OR e.created_at <= ${now}::timestamptz - make_interval(days => g.probe_retention_days))
          AND (e.probe_image_key IS NOT NULL OR (e.probe_embedding IS NOT NULL AND NOT ${standingRejectOf(Prisma.sql`e`)}))
        FOR UPDATE OF e
      )
      UPDATE match_events m
      SET probe_image_key = NULL,
          probe_embedding = CASE WHEN expired.drop_embedding THEN NULL ELSE m.probe_embedding END
      FROM expired
      WHERE m.id = expired.id
      RETURNING m.id AS "eventId", expired.probe_image_key AS "imageKey", expired.drop_embedding AS "embeddingCleared"`;
  }

  /** Enrolled faces by id, without embeddings (deleted ones are missing). */
  async findFaces(ids: readonly string[]): Promise<FaceRecord[]> {
    const valid = [...new Set(ids)].filter(isUuid);
    if (valid.length === 0) return [];
    return this.prisma.face.findMany({ where: { id: { in: valid } }, select: FACE_COLUMNS });
  }

  private supportsIterativeScan(): Promise<boolean> {
    this.iterativeScan ??= this.prisma.$queryRaw<
      Array<{ version: string }>
    >`SELECT extversion AS version FROM pg_extension WHERE extname = 'vector'`.then((rows) => {
      const [major = 0, minor = 0] = (rows[0]?.version ?? '0.0').split('.').map(Number);
      return major > 0 || minor >= 8;
    });
    return this.iterativeScan;
  }
}
