// The database and image-store side of erasing an identity: removes its faces, embeddings, match
// candidates, every probe derived from its photos or face, its job rows and pending uploads, leaves a
// tombstone, deletes unreferenced images, and rewrites the touched tables so no old bytes remain.
import { Prisma, type PrismaClient } from '@faceledger/db';
import type { ImageStore } from '../../infrastructure/image-store/image-store.js';
import type { Transaction } from '../audit/audit.repository.js';
import { eraseJobDataOf } from '../jobs/jobs-erasure.repository.js';
import { eraseSightingsOf } from '../sightings/sightings-erasure.repository.js';

/**
 * What a tombstone keeps instead of personal data: the id (which the audit trail names), gallery,
 * status ERASED and timestamps. The placeholders say nothing about the person; externalId embeds
 * the identity's own id so it stays unique in the gallery and the real externalId can be reused.
 */
export const ERASED_DISPLAY_NAME = '[erased]';
export function erasedExternalId(identityId: string): string {
  return `erased:${identityId}`;
}

/** What one erasure removed inside the transaction. */
export interface ErasureCounts {
  facesDeleted: number;
  /** Embeddings of its faces under other models (a model migration's, face_embeddings). */
  faceEmbeddingsDeleted: number;
  matchCandidatesDeleted: number;
  /**
   * Match events whose probe embedding, probe image and probe sha256 were cleared: those that named
   * the person, those whose probe was one of its enrolled photos, and those whose probe face matches
   * one of its faces, in every gallery.
   */
  probesCleared: number;
  /** Review notes in which the person's name or externalId was replaced by "[erased]". */
  reviewNotesRedacted: number;
  /** Bulk-import rows that named the person (cleared to their line number). */
  jobItemsCleared: number;
  /** Input files of unfinished jobs that were one of the person's photos. */
  jobFilesDeleted: number;
  /** Pending uploads of one of the person's photos. */
  uploadsDeleted: number;
  /** Camera sightings whose template and crop were cleared (they named the person or show its face). */
  sightingsCleared: number;
  /** Unknown clusters whose centroid was cleared (named to the person or matching its face). */
  clustersCleared: number;
}

/** Outcome of the transactional part; `imageKeys` are deleted from the store after commit. */
export type ErasureOutcome =
  | { alreadyErased: true }
  | {
      alreadyErased: false;
      counts: ErasureCounts;
      imageKeys: string[];
      /** The erasure transaction's id (txid_current, as text): snapshots older than it still see the rows. */
      xid: string;
    };

/** How long the rewrite waits, by default, for transactions that began before the erasure to end. */
export const OLDER_SNAPSHOT_WAIT_MS = 30_000;

/** The rewrite ran while a transaction older than the erasure was open, so it kept the old row versions. */
export class OlderSnapshotError extends Error {
  constructor(readonly open: number) {
    super(
      `${open} transaction(s) that began before the erasure were still open, so VACUUM FULL had to keep the erased rows' old versions`,
    );
  }
}

/**
 * The tables an erasure deletes from or updates. Their dead row versions (and the freed space
 * plain VACUUM leaves as it was) still hold the erased bytes until VACUUM FULL rewrites them.
 * `images` holds the photos when FACELEDGER_IMAGE_STORE=database (empty with the file store).
 */
export const ERASURE_TABLES = [
  'identities',
  'faces',
  'face_embeddings',
  'match_candidates',
  'match_events',
  'probe_embeddings',
  'reviews',
  'job_items',
  'job_files',
  'pending_uploads',
  'images',
  'sightings',
  'sighting_candidates',
  'unknown_clusters',
  'alerts',
] as const;
export type ErasureTable = (typeof ERASURE_TABLES)[number];

/**
 * The tables one erasure changed, by its counts (the identity row always changes). Rewriting only
 * those spares the large tables an erasure did not touch.
 */
export function tablesChangedBy(counts: ErasureCounts): ErasureTable[] {
  const changed: Record<ErasureTable, boolean> = {
    identities: true,
    faces: counts.facesDeleted > 0,
    face_embeddings: counts.faceEmbeddingsDeleted > 0,
    match_candidates: counts.matchCandidatesDeleted > 0,
    match_events: counts.probesCleared > 0,
    // A cleared probe takes the embeddings a model migration carried from it (a trigger deletes them).
    probe_embeddings: counts.probesCleared > 0,
    reviews: counts.reviewNotesRedacted > 0,
    job_items: counts.jobItemsCleared > 0,
    job_files: counts.jobFilesDeleted > 0,
    pending_uploads: counts.uploadsDeleted > 0,
    // The photos come from its faces, its probes and its uploads (deleted after commit).
    images: counts.facesDeleted > 0 || counts.probesCleared > 0 || counts.uploadsDeleted > 0 || counts.sightingsCleared > 0,
    sightings: counts.sightingsCleared > 0,
    sighting_candidates: counts.sightingsCleared > 0,
    unknown_clusters: counts.clustersCleared > 0,
    alerts: counts.sightingsCleared > 0,
  };
  return ERASURE_TABLES.filter((table) => changed[table]);
}

/** model_id and embedding of every face of the identity under every model: its own and those a model migration keeps. */
function templatesOf(identityId: string): Prisma.Sql {
  return Prisma.sql`
    SELECT model_id, embedding FROM faces WHERE identity_id = ${identityId}::uuid
    UNION ALL
    SELECT fe.model_id, fe.embedding FROM face_embeddings fe JOIN faces f ON f.id = fe.face_id
    WHERE f.identity_id = ${identityId}::uuid`;
}

/** pgvector's text form ('[0.1,0.2,...]') as numbers. */
function parseVector(text: string): Float32Array {
  return Float32Array.from(text.slice(1, -1).split(','), Number);
}

/**
 * A regular expression (PostgreSQL ARE; the SQL applies it case-insensitively) for `text` as a whole word where
 * it starts or ends with a word character (so "Al" does not match inside "Also").
 */
export function wordPattern(text: string): string {
  const escaped = text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const start = /^\w/.test(text) ? '\\m' : '';
  const end = /\w$/.test(text) ? '\\M' : '';
  return `${start}${escaped}${end}`;
}

export class IdentityErasureRepository {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly images: ImageStore,
  ) {}

  /**
   * Erases inside `tx`. Locks the identity row first, so an enrollment that checks the status under
   * FOR SHARE waits for this transaction and then sees ERASED. Null when the identity does not exist.
   */
  async eraseWithin(tx: Transaction, identityId: string): Promise<ErasureOutcome | null> {
    const locked = await tx.$queryRaw<
      Array<{ status: string; galleryId: string; externalId: string; displayName: string; threshold: number }>
    >`
      SELECT i.status::text AS status, i.gallery_id::text AS "galleryId", i.external_id AS "externalId",
             i.display_name AS "displayName", g.match_threshold AS threshold
      FROM identities i JOIN galleries g ON g.id = i.gallery_id
      WHERE i.id = ${identityId}::uuid
      FOR UPDATE OF i`;
    const person = locked[0];
    if (person === undefined) return null;
    if (person.status === 'ERASED') return { alreadyErased: true };

    const faceImages = await tx.face.findMany({
      where: { identityId },
      select: { imageKey: true },
      distinct: ['imageKey'],
    });
    const photoKeys = faceImages.map((f) => f.imageKey);
    // Its faces' embeddings under every model: the current one and those a model migration keeps.
    const templates = await tx.$queryRaw<Array<{ modelId: string; embedding: string }>>`
      SELECT model_id AS "modelId", embedding::text AS embedding FROM (${templatesOf(identityId)}) t`;

    // Every probe derived from this person, while the faces still exist to compare with: events that
    // named it (as a candidate, or as the target of a review: REASSIGN, CONFIRM, or the REJECT whose
    // probe is a negative exemplar), events whose probe was one of its enrolled photos, and events of
    // any gallery whose probe face matches one of its faces (same model) at the lowest of its
    // gallery's threshold, the event's gallery's threshold and the event's own threshold: the probe's
    // own embedding, or one a model migration carried over (probe_embeddings), which may be the only
    // one of a model the person still has templates of.
    const cleared = await tx.$queryRaw<Array<{ id: string; imageKey: string | null }>>`
      WITH named AS (
        SELECT event_id FROM match_candidates WHERE identity_id = ${identityId}::uuid
        UNION
        SELECT event_id FROM reviews WHERE target_identity_id = ${identityId}::uuid
      ),
      photos AS (
        SELECT DISTINCT image_key FROM faces WHERE identity_id = ${identityId}::uuid
      ),
      templates AS (${templatesOf(identityId)}),
      targets AS (
        SELECT e.id, e.probe_image_key
        FROM match_events e
        LEFT JOIN galleries g ON g.id = e.gallery_id
        WHERE e.id IN (SELECT event_id FROM named)
           OR e.probe_sha256 IN (SELECT image_key FROM photos)
           OR e.probe_image_key IN (SELECT image_key FROM photos)
           OR (e.probe_embedding IS NOT NULL AND EXISTS (
                SELECT 1 FROM templates f
                WHERE f.model_id = e.model_id
                  AND CASE WHEN vector_dims(f.embedding) = vector_dims(e.probe_embedding)
                           THEN 1 - (f.embedding <=> e.probe_embedding)
                           ELSE -2 END
                      >= LEAST(${person.threshold}::float8, COALESCE(g.match_threshold, 1), COALESCE(e.threshold, 1))))
           OR EXISTS (
                SELECT 1 FROM probe_embeddings pe JOIN templates f ON f.model_id = pe.model_id
                WHERE pe.event_id = e.id
                  AND CASE WHEN vector_dims(f.embedding) = vector_dims(pe.embedding)
                           THEN 1 - (f.embedding <=> pe.embedding)
                           ELSE -2 END
                      >= LEAST(${person.threshold}::float8, COALESCE(g.match_threshold, 1), COALESCE(e.threshold, 1)))
        FOR UPDATE OF e
      )
      UPDATE match_events m SET probe_embedding = NULL, probe_image_key = NULL, probe_sha256 = ''
      FROM targets
      WHERE m.id = targets.id
        AND (m.probe_embedding IS NOT NULL OR m.probe_image_key IS NOT NULL OR m.probe_sha256 <> '')
      RETURNING m.id::text AS id, targets.probe_image_key AS "imageKey"`;

    // The cameras' sightings of the person, while its faces still exist to compare with.
    const sightings = await eraseSightingsOf(tx, { identityId, threshold: person.threshold });
    const { count: matchCandidatesDeleted } = await tx.matchCandidate.deleteMany({ where: { identityId } });
    const { count: faceEmbeddingsDeleted } = await tx.faceEmbedding.deleteMany({
      where: { face: { identityId } },
    });
    const { count: facesDeleted } = await tx.face.deleteMany({ where: { identityId } });
    // Notes are free text: the person's name and externalId, as whole words, become "[erased]".
    const reviewNotesRedacted = await tx.$executeRaw`
      UPDATE reviews
      SET note = regexp_replace(regexp_replace(note, ${wordPattern(person.displayName)}, ${ERASED_DISPLAY_NAME}, 'gi'),
                                ${wordPattern(person.externalId)}, ${ERASED_DISPLAY_NAME}, 'gi')
      WHERE note ~* ${wordPattern(person.displayName)} OR note ~* ${wordPattern(person.externalId)}`;
    const jobs = await eraseJobDataOf(tx, {
      identityId,
      galleryId: person.galleryId,
      externalId: person.externalId,
      imageKeys: photoKeys,
      faces: templates.map((t) => ({ modelId: t.modelId, embedding: parseVector(t.embedding) })),
      threshold: person.threshold,
    });
    await tx.identity.update({
      where: { id: identityId },
      data: {
        status: 'ERASED',
        displayName: ERASED_DISPLAY_NAME,
        externalId: erasedExternalId(identityId),
        metadata: {},
        consentGivenAt: null,
        consentGivenBy: null,
      },
    });

    const keys = [
      ...new Set([
        ...photoKeys,
        ...cleared.flatMap((e) => (e.imageKey === null ? [] : [e.imageKey])),
        ...sightings.cropKeys,
      ]),
    ];
    const imageKeys = await this.findUnreferencedImageKeys(keys, tx);
    const [{ xid } = { xid: '0' }] = await tx.$queryRaw<
      Array<{ xid: string }>
    >`SELECT txid_current()::text AS xid`;
    // Pending uploads of its photos, and of probe images about to be deleted (an upload id of a
    // deleted image would only fail later).
    const uploadKeys = [...new Set([...photoKeys, ...imageKeys])];
    const { count: uploadsDeleted } =
      uploadKeys.length === 0
        ? { count: 0 }
        : await tx.pendingUpload.deleteMany({ where: { imageKey: { in: uploadKeys } } });
    return {
      alreadyErased: false,
      xid,
      counts: {
        facesDeleted,
        faceEmbeddingsDeleted,
        matchCandidatesDeleted,
        probesCleared: cleared.length,
        reviewNotesRedacted,
        ...jobs,
        uploadsDeleted,
        sightingsCleared: sightings.sightingsCleared,
        clustersCleared: sightings.clustersCleared,
      },
      imageKeys,
    };
  }

  /**
   * Rewrites the tables an erasure touched (VACUUM FULL, which also rebuilds their indexes, the
   * faces table's HNSW indexes included), so the erased rows' old versions and the free space they
   * left hold none of their bytes any more. Runs after commit: VACUUM cannot run inside a
   * transaction. It locks each table while it rewrites it.
   *
   * VACUUM FULL copies a deleted row version into the new file while any snapshot that may still
   * see it is open, so it first waits (up to `waitMs`) until no transaction, replication slot or
   * prepared transaction older than the erasure (`erasedXid`; without it, anything open now)
   * remains. If one does, it still rewrites and then throws OlderSnapshotError: erase again later.
   */
  async compactErasedTables(
    tables: readonly ErasureTable[] = ERASURE_TABLES,
    options: { erasedXid?: string | undefined; waitMs?: number } = {},
  ): Promise<void> {
    const known = tables.filter((t) => (ERASURE_TABLES as readonly string[]).includes(t));
    if (known.length === 0) return;
    const horizon =
      options.erasedXid ??
      (
        await this.prisma.$queryRaw<Array<{ xid: string }>>`
          SELECT txid_snapshot_xmax(txid_current_snapshot())::text AS xid`
      )[0]?.xid ??
      '0';
    const deadline = Date.now() + (options.waitMs ?? OLDER_SNAPSHOT_WAIT_MS);
    let open = await this.countOlderSnapshots(horizon);
    while (open > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      open = await this.countOlderSnapshots(horizon);
    }
    await this.prisma.$executeRawUnsafe(`VACUUM FULL ${known.join(', ')}`);
    if (open > 0) throw new OlderSnapshotError(open);
  }

  /**
   * Open transactions of this database (or of none: replication senders), replication slots and
   * prepared transactions whose xmin is at or before `xid`. Other roles' sessions show their xmin
   * only to superusers and pg_read_all_stats.
   */
  private async countOlderSnapshots(xid: string): Promise<number> {
    const rows = await this.prisma.$queryRaw<Array<{ open: number }>>`
      SELECT count(*)::int AS open FROM (
        SELECT backend_xmin AS x FROM pg_stat_activity
        WHERE pid <> pg_backend_pid() AND backend_xmin IS NOT NULL
          AND (datname = current_database() OR datname IS NULL)
        UNION ALL SELECT xmin FROM pg_replication_slots WHERE xmin IS NOT NULL
        UNION ALL SELECT transaction FROM pg_prepared_xacts WHERE database = current_database()
      ) older
      WHERE age(x) >= age((${xid}::bigint % 4294967296)::text::xid)`;
    return rows[0]?.open ?? 0;
  }

  /** The keys among `keys` that no face and no match event uses. */
  async findUnreferencedImageKeys(keys: readonly string[], tx: Transaction = this.prisma): Promise<string[]> {
    if (keys.length === 0) return [];
    const faceRefs = await tx.face.findMany({
      where: { imageKey: { in: [...keys] } },
      select: { imageKey: true },
      distinct: ['imageKey'],
    });
    const probeRefs = await tx.matchEvent.findMany({
      where: { probeImageKey: { in: [...keys] } },
      select: { probeImageKey: true },
      distinct: ['probeImageKey'],
    });
    const cropRefs = await tx.sighting.findMany({
      where: { cropImageKey: { in: [...keys] } },
      select: { cropImageKey: true },
      distinct: ['cropImageKey'],
    });
    const used = new Set<string | null>([
      ...faceRefs.map((f) => f.imageKey),
      ...probeRefs.map((e) => e.probeImageKey),
      ...cropRefs.map((s) => s.cropImageKey),
    ]);
    return keys.filter((key) => !used.has(key));
  }

  /** Deletes the images (and their thumbnails) from the store; returns how many were there. */
  async deleteImages(keys: readonly string[]): Promise<number> {
    let deleted = 0;
    for (const key of keys) {
      if (await this.images.has(key)) {
        await this.images.delete(key);
        deleted += 1;
      }
    }
    return deleted;
  }
}
