// Sightings, their candidates, unknown clusters and alerts: the only code touching those tables
// (raw SQL where a template vector is written or compared), and the one read of a camera's settings
// the analyzer needs (name, retention, watchlist galleries).
import { Prisma, type MatchDecision, type PrismaClient } from '@faceledger/db';
import type { FaceBox } from '@faceledger/schema';
import type { Transaction } from '../../infrastructure/unit-of-work/unit-of-work.js';
import type { CreatedAtKey } from '../../shared/relay-pagination.js';
import { isUuid } from '../../shared/uuid.js';
import { cosineDistanceSql, dimsSql, parseVector, vectorLiteral } from '../matching/vector-sql.js';

/** What the analyzer needs of a camera. */
export interface CameraSettings {
  id: string;
  name: string;
  enabled: boolean;
  retentionDays: number;
  galleryIds: string[];
}

/** The columns a sighting is recorded with and shown by. */
interface SightingFields {
  cameraId: string;
  startedAt: Date;
  endedAt: Date;
  frames: number;
  quality: number;
  cropImageKey: string | null;
  box: FaceBox;
  galleryId: string | null;
  identityId: string | null;
  score: number | null;
  threshold: number | null;
  modelId: string;
  clusterId: string | null;
}

/** One sighting to record. */
export interface NewSighting extends SightingFields {
  decision: Extract<MatchDecision, 'MATCH' | 'UNKNOWN'>;
  embedding: ArrayLike<number> | null;
  candidates: ReadonlyArray<Omit<SightingCandidateRecord, 'sightingId'>>;
}

/** A sighting as the API shows it (never its template). */
export interface SightingRecord extends SightingFields {
  id: string;
  cameraName: string;
  decision: MatchDecision;
  createdAt: Date;
  /** Cosine similarity to the searched face (sightingsOfFace only). */
  similarity?: number;
}

/** A candidate of a sighting. */
export interface SightingCandidateRecord {
  sightingId: string;
  galleryId: string;
  identityId: string;
  faceId: string | null;
  score: number;
  rank: number;
}

/** An unknown cluster as the API shows it (never its centroid). */
export interface ClusterRecord {
  id: string;
  number: number;
  modelId: string;
  size: number;
  status: 'OPEN' | 'NAMED' | 'DISMISSED';
  identityId: string | null;
  firstSeenAt: Date;
  lastSeenAt: Date;
  reviewedBy: string | null;
  reviewedAt: Date | null;
  createdAt: Date;
}

/** An open cluster near a template, with its centroid for the assigner. */
export interface ClusterNear {
  id: string;
  number: number;
  size: number;
  centroid: Float32Array;
}

/** An alert as the API shows it. */
export interface AlertRecord {
  id: string;
  kind: 'WATCHLIST_MATCH' | 'REPEATED_UNKNOWN';
  cameraId: string;
  sightingId: string;
  galleryId: string | null;
  identityId: string | null;
  clusterId: string | null;
  matchEventId: string | null;
  createdAt: Date;
}

/** Filters of the sightings list. */
export interface SightingFilter {
  cameraId?: string | null;
  decision?: MatchDecision | null;
  identityId?: string | null;
  clusterId?: string | null;
}

/** A keyset page request over (startedAt | createdAt, id), newest first. */
export interface KeysetPage {
  direction: 'forward' | 'backward';
  /** Rows to read (page size + 1). */
  limit: number;
  cursor: CreatedAtKey | null;
}

/** Where a face search looks: one template, or the faces of one identity. */
export type FaceProbe =
  | { kind: 'embedding'; embedding: ArrayLike<number>; dims: number; modelId: string }
  | { kind: 'identity'; identityId: string };

const SIGHTING_COLUMNS = Prisma.sql`
  s.id, s.camera_id AS "cameraId", c.name AS "cameraName", s.started_at AS "startedAt", s.ended_at AS "endedAt",
  s.frames, s.quality, s.crop_image_key AS "cropImageKey", s.box, s.decision::text AS decision,
  s.gallery_id AS "galleryId", s.identity_id AS "identityId", s.score, s.threshold, s.model_id AS "modelId",
  s.cluster_id AS "clusterId", s.created_at AS "createdAt"`;

/** A sighting within its camera's retention at `now`. */
function withinRetention(now: Date): Prisma.Sql {
  return Prisma.sql`s.started_at > ${now}::timestamptz - make_interval(days => c.retention_days)`;
}

/** Newest first over (column, id): the keyset condition and order of one page. */
function keyset(column: Prisma.Sql, page: KeysetPage): { where: Prisma.Sql; order: Prisma.Sql } {
  const forward = page.direction === 'forward';
  const where =
    page.cursor === null
      ? Prisma.sql`TRUE`
      : forward
        ? Prisma.sql`(${column}, s.id) < (${page.cursor.createdAt}::timestamptz, ${page.cursor.id}::uuid)`
        : Prisma.sql`(${column}, s.id) > (${page.cursor.createdAt}::timestamptz, ${page.cursor.id}::uuid)`;
  const order = forward ? Prisma.sql`${column} DESC, s.id DESC` : Prisma.sql`${column} ASC, s.id ASC`;
  return { where, order };
}

/** Newest first over (field, id) for Prisma: the keyset condition and order of one page. */
function prismaKeyset<F extends 'lastSeenAt' | 'createdAt'>(field: F, page: KeysetPage) {
  const forward = page.direction === 'forward';
  const cursor = page.cursor;
  const beyond = forward ? 'lt' : 'gt';
  const where = cursor
    ? {
        OR: [
          { [field]: { [beyond]: cursor.createdAt } },
          { [field]: cursor.createdAt, id: { [beyond]: cursor.id } },
        ],
      }
    : {};
  const direction = forward ? ('desc' as const) : ('asc' as const);
  return {
    where,
    orderBy: [{ [field]: direction }, { id: direction }] as Array<Record<F | 'id', 'asc' | 'desc'>>,
  };
}

export class SightingsRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** The camera's name, retention and watchlist galleries; null when it does not exist. */
  async findCamera(cameraId: string): Promise<CameraSettings | null> {
    if (!isUuid(cameraId)) return null;
    const row = await this.prisma.camera.findUnique({
      where: { id: cameraId },
      select: {
        id: true,
        name: true,
        enabled: true,
        retentionDays: true,
        galleries: { select: { galleryId: true } },
      },
    });
    return row ? { ...row, galleryIds: row.galleries.map((g) => g.galleryId) } : null;
  }

  /** Records a sighting and its candidates inside `tx`; returns its id. */
  async createSighting(tx: Transaction, s: NewSighting): Promise<string> {
    const embedding = s.embedding ? vectorLiteral(s.embedding) : null;
    const rows = await tx.$queryRaw<Array<{ id: string }>>`
      INSERT INTO sightings (id, camera_id, started_at, ended_at, frames, quality, crop_image_key, box, decision,
                             gallery_id, identity_id, score, threshold, model_id, embedding, cluster_id)
      VALUES (gen_random_uuid(), ${s.cameraId}::uuid, ${s.startedAt}::timestamptz, ${s.endedAt}::timestamptz, ${s.frames}::int,
              ${s.quality}::float8, ${s.cropImageKey}, ${JSON.stringify(s.box)}::jsonb, ${s.decision}::"MatchDecision",
              ${s.galleryId}::uuid, ${s.identityId}::uuid, ${s.score}::float8, ${s.threshold}::float8, ${s.modelId},
              ${embedding}::vector, ${s.clusterId}::uuid)
      RETURNING id`;
    const id = rows[0]?.id;
    if (!id) throw new Error('INSERT INTO sightings returned no id');
    if (s.candidates.length > 0)
      await tx.sightingCandidate.createMany({ data: s.candidates.map((c) => ({ ...c, sightingId: id })) });
    return id;
  }

  /** The OPEN clusters of `modelId` nearest to `template` (at most `limit`), locked for update inside `tx`. */
  async nearestOpenClusters(
    tx: Transaction,
    template: ArrayLike<number>,
    dims: number,
    modelId: string,
    limit: number,
  ): Promise<ClusterNear[]> {
    const distance = cosineDistanceSql(Prisma.sql`centroid`, vectorLiteral(template), dims);
    const rows = await tx.$queryRaw<Array<{ id: string; number: number; size: number; centroid: string }>>`
      SELECT id, number, size, centroid::text AS centroid
      FROM unknown_clusters
      WHERE status = 'OPEN' AND model_id = ${modelId} AND centroid IS NOT NULL
        AND vector_dims(centroid) = ${dimsSql(dims)}
      ORDER BY ${distance}
      LIMIT ${limit}
      FOR UPDATE`;
    return rows.map((r) => ({ ...r, centroid: parseVector(r.centroid) }));
  }

  /** A new OPEN cluster of one sighting; returns its id and number. */
  async createCluster(
    tx: Transaction,
    c: { modelId: string; centroid: ArrayLike<number>; seenAt: Date },
  ): Promise<{ id: string; number: number }> {
    const rows = await tx.$queryRaw<Array<{ id: string; number: number }>>`
      INSERT INTO unknown_clusters (id, model_id, centroid, size, first_seen_at, last_seen_at)
      VALUES (gen_random_uuid(), ${c.modelId}, ${vectorLiteral(c.centroid)}::vector, 1, ${c.seenAt}::timestamptz, ${c.seenAt}::timestamptz)
      RETURNING id, number`;
    const row = rows[0];
    if (!row) throw new Error('INSERT INTO unknown_clusters returned no id');
    return row;
  }

  /** Adds a member to a cluster: its new centroid and size, and when it was last seen. */
  async growCluster(
    tx: Transaction,
    id: string,
    c: { centroid: ArrayLike<number>; size: number; seenAt: Date },
  ): Promise<void> {
    await tx.$executeRaw`
      UPDATE unknown_clusters
      SET centroid = ${vectorLiteral(c.centroid)}::vector, size = ${c.size}::int,
          last_seen_at = GREATEST(last_seen_at, ${c.seenAt}::timestamptz)
      WHERE id = ${id}::uuid`;
  }

  /** True when the camera raised an alert about this identity (or cluster) at or after `since`. */
  async hasRecentAlert(
    tx: Transaction,
    a: { cameraId: string; identityId?: string | null; clusterId?: string | null; since: Date },
  ): Promise<boolean> {
    const found = await tx.alert.findFirst({
      where: {
        cameraId: a.cameraId,
        createdAt: { gte: a.since },
        ...(a.identityId ? { identityId: a.identityId } : { clusterId: a.clusterId ?? null }),
      },
      select: { id: true },
    });
    return found !== null;
  }

  async createAlert(tx: Transaction, a: Omit<AlertRecord, 'id' | 'createdAt'>): Promise<AlertRecord> {
    return tx.alert.create({ data: a }) as Promise<AlertRecord>;
  }

  /** Takes the camera's advisory lock for the rest of `tx`, so two tracks of one camera decide their alert one after the other. */
  async lockCamera(tx: Transaction, cameraId: string): Promise<void> {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`sightings:${cameraId}`}))`;
  }

  async findSighting(id: string): Promise<SightingRecord | null> {
    if (!isUuid(id)) return null;
    const rows = await this.prisma.$queryRaw<SightingRecord[]>`
      SELECT ${SIGHTING_COLUMNS} FROM sightings s JOIN cameras c ON c.id = s.camera_id WHERE s.id = ${id}::uuid`;
    return rows[0] ?? null;
  }

  /** Sightings newest first (by startedAt, id), within their camera's retention at `now`. */
  async listSightings(filter: SightingFilter, page: KeysetPage, now: Date): Promise<SightingRecord[]> {
    // A filter id that is no UUID names no row (and would fail the ::uuid cast).
    if ([filter.cameraId, filter.identityId, filter.clusterId].some((id) => id && !isUuid(id))) return [];
    const { where, order } = keyset(Prisma.sql`s.started_at`, page);
    const conditions = [withinRetention(now), where];
    if (filter.cameraId) conditions.push(Prisma.sql`s.camera_id = ${filter.cameraId}::uuid`);
    if (filter.decision) conditions.push(Prisma.sql`s.decision = ${filter.decision}::"MatchDecision"`);
    if (filter.identityId) conditions.push(Prisma.sql`s.identity_id = ${filter.identityId}::uuid`);
    if (filter.clusterId) conditions.push(Prisma.sql`s.cluster_id = ${filter.clusterId}::uuid`);
    return this.prisma.$queryRaw<SightingRecord[]>`
      SELECT ${SIGHTING_COLUMNS} FROM sightings s JOIN cameras c ON c.id = s.camera_id
      WHERE ${Prisma.join(conditions, ' AND ')}
      ORDER BY ${order}
      LIMIT ${page.limit}`;
  }

  /**
   * Sightings whose template has cosine similarity >= `minSimilarity` with the probe (a template, or
   * the best of one identity's enrolled faces of the sighting's model), within retention, newest first.
   */
  async searchSightings(
    probe: FaceProbe,
    minSimilarity: number,
    page: KeysetPage,
    now: Date,
  ): Promise<SightingRecord[]> {
    const { where } = keyset(Prisma.sql`s.started_at`, page);
    const outerOrder =
      page.direction === 'forward'
        ? Prisma.sql`s."startedAt" DESC, s.id DESC`
        : Prisma.sql`s."startedAt" ASC, s.id ASC`;
    const similarity =
      probe.kind === 'embedding'
        ? Prisma.sql`CASE WHEN s.model_id = ${probe.modelId} AND vector_dims(s.embedding) = ${dimsSql(probe.dims)}
                         THEN 1 - (${cosineDistanceSql(Prisma.sql`s.embedding`, vectorLiteral(probe.embedding), probe.dims)})
                         ELSE -2 END`
        : Prisma.sql`(SELECT max(1 - (f.embedding <=> s.embedding)) FROM faces f
                      WHERE f.identity_id = ${probe.identityId}::uuid AND f.model_id = s.model_id
                        AND vector_dims(f.embedding) = vector_dims(s.embedding))`;
    return this.prisma.$queryRaw<SightingRecord[]>`
      SELECT * FROM (
        SELECT ${SIGHTING_COLUMNS}, (${similarity})::float8 AS similarity
        FROM sightings s JOIN cameras c ON c.id = s.camera_id
        WHERE s.embedding IS NOT NULL AND ${withinRetention(now)} AND ${where}
      ) s
      WHERE s.similarity >= ${minSimilarity}
      ORDER BY ${outerOrder}
      LIMIT ${page.limit}`;
  }

  async candidatesOf(sightingIds: readonly string[]): Promise<SightingCandidateRecord[]> {
    if (sightingIds.length === 0) return [];
    return this.prisma.sightingCandidate.findMany({
      where: { sightingId: { in: [...sightingIds] } },
      select: { sightingId: true, galleryId: true, identityId: true, faceId: true, score: true, rank: true },
      orderBy: [{ sightingId: 'asc' }, { rank: 'asc' }],
    });
  }

  async findClusters(ids: readonly string[]): Promise<ClusterRecord[]> {
    const valid = ids.filter(isUuid);
    if (valid.length === 0) return [];
    return this.prisma.unknownCluster.findMany({ where: { id: { in: valid } }, select: CLUSTER_COLUMNS });
  }

  /** Clusters newest seen first (by lastSeenAt, id). */
  async listClusters(status: ClusterRecord['status'] | null, page: KeysetPage): Promise<ClusterRecord[]> {
    const { where, orderBy } = prismaKeyset('lastSeenAt', page);
    return this.prisma.unknownCluster.findMany({
      where: { ...(status ? { status } : {}), ...where },
      select: CLUSTER_COLUMNS,
      orderBy,
      take: page.limit,
    });
  }

  /** The cluster's sightings that still have a crop, best quality first. */
  async bestSightingsOfCluster(clusterId: string, limit: number): Promise<SightingRecord[]> {
    return this.prisma.$queryRaw<SightingRecord[]>`
      SELECT ${SIGHTING_COLUMNS} FROM sightings s JOIN cameras c ON c.id = s.camera_id
      WHERE s.cluster_id = ${clusterId}::uuid AND s.crop_image_key IS NOT NULL
      ORDER BY s.quality DESC, s.id
      LIMIT ${limit}`;
  }

  /** Locks the cluster row inside `tx` and returns it. */
  async lockCluster(tx: Transaction, id: string): Promise<ClusterRecord | null> {
    if (!isUuid(id)) return null;
    await tx.$executeRaw`SELECT 1 FROM unknown_clusters WHERE id = ${id}::uuid FOR UPDATE`;
    return tx.unknownCluster.findUnique({ where: { id }, select: CLUSTER_COLUMNS });
  }

  /** Closes a cluster (NAMED with its identity, or DISMISSED) and drops its centroid: nothing joins it any more. */
  async closeCluster(
    tx: Transaction,
    id: string,
    c: { status: 'NAMED' | 'DISMISSED'; identityId: string | null; reviewedBy: string; at: Date },
  ): Promise<ClusterRecord> {
    await tx.$executeRaw`UPDATE unknown_clusters SET centroid = NULL WHERE id = ${id}::uuid`;
    return tx.unknownCluster.update({
      where: { id },
      data: { status: c.status, identityId: c.identityId, reviewedBy: c.reviewedBy, reviewedAt: c.at },
      select: CLUSTER_COLUMNS,
    });
  }

  /** Alerts newest first (by createdAt, id). */
  async listAlerts(
    filter: { cameraId?: string | null; kind?: AlertRecord['kind'] | null },
    page: KeysetPage,
  ): Promise<AlertRecord[]> {
    if (filter.cameraId && !isUuid(filter.cameraId)) return [];
    const { where, orderBy } = prismaKeyset('createdAt', page);
    return this.prisma.alert.findMany({
      where: {
        ...(filter.cameraId ? { cameraId: filter.cameraId } : {}),
        ...(filter.kind ? { kind: filter.kind } : {}),
        ...where,
      },
      orderBy,
      take: page.limit,
    }) as Promise<AlertRecord[]>;
  }

  /** How many sightings are past their camera's retention at `now` (a cheap check before purging). */
  async countExpired(now: Date): Promise<number> {
    const rows = await this.prisma.$queryRaw<Array<{ count: bigint | number }>>`
      SELECT count(*) AS count FROM sightings s JOIN cameras c ON c.id = s.camera_id WHERE NOT ${withinRetention(now)}`;
    return Number(rows[0]?.count ?? 0);
  }

  /**
   * Deletes the sightings past their camera's retention at `now` (their candidates and alerts go with
   * them) and the clusters left without a sighting; returns the crop keys they held and the counts.
   */
  async deleteExpired(
    tx: Transaction,
    now: Date,
  ): Promise<{ sightings: number; clusters: number; cropKeys: string[] }> {
    const deleted = await tx.$queryRaw<Array<{ cropImageKey: string | null }>>`
      DELETE FROM sightings s USING cameras c
      WHERE c.id = s.camera_id AND NOT ${withinRetention(now)}
      RETURNING s.crop_image_key AS "cropImageKey"`;
    const clusters = await tx.$executeRaw`
      DELETE FROM unknown_clusters u WHERE NOT EXISTS (SELECT 1 FROM sightings s WHERE s.cluster_id = u.id)`;
    return {
      sightings: deleted.length,
      clusters,
      cropKeys: [...new Set(deleted.flatMap((d) => (d.cropImageKey === null ? [] : [d.cropImageKey])))],
    };
  }
}

const CLUSTER_COLUMNS = {
  id: true,
  number: true,
  modelId: true,
  size: true,
  status: true,
  identityId: true,
  firstSeenAt: true,
  lastSeenAt: true,
  reviewedBy: true,
  reviewedAt: true,
  createdAt: true,
} as const satisfies Prisma.UnknownClusterSelect;
