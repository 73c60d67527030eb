// Erasure's part in sightings: what the cameras kept of a person being erased. Runs inside the
// erasure's transaction (modules/identities/identity-erasure.repository.ts), while the person's faces
// still exist to compare with.
import { Prisma } from '@faceledger/db';
import type { Transaction } from '../audit/audit.repository.js';

/**
 * Clears the template (embedding) and the crop of every sighting derived from the person: those that
 * named it (the MATCH or a candidate), those whose crop is one of its enrolled photos (a named
 * cluster's crops are enrolled as they are), and those whose template matches one of its faces or
 * face_embeddings (same model and width) at `threshold` (cosine); such a sighting no longer names it
 * (identity_id and its candidates go). Unknown clusters named to it or whose centroid matches lose
 * their centroid, and alerts no longer name it. Returns the counts and the crop keys, which the
 * erasure deletes after commit when nothing else uses them.
 */
export async function eraseSightingsOf(
  tx: Transaction,
  person: { identityId: string; threshold: number },
): Promise<{ sightingsCleared: number; clustersCleared: number; cropKeys: string[] }> {
  const id = person.identityId;
  const templates = Prisma.sql`
    SELECT model_id, embedding FROM faces WHERE identity_id = ${id}::uuid
    UNION ALL
    SELECT fe.model_id, fe.embedding FROM face_embeddings fe JOIN faces f ON f.id = fe.face_id
    WHERE f.identity_id = ${id}::uuid`;
  const matches = (column: Prisma.Sql) => Prisma.sql`EXISTS (
    SELECT 1 FROM templates t
    WHERE t.model_id = s.model_id AND vector_dims(t.embedding) = vector_dims(${column})
      AND 1 - (t.embedding <=> ${column}) >= ${person.threshold}::float8)`;
  const cleared = await tx.$queryRaw<Array<{ cropImageKey: string | null }>>`
    WITH templates AS (${templates}),
    targets AS (
      SELECT s.id, s.crop_image_key FROM sightings s
      WHERE s.identity_id = ${id}::uuid
         OR EXISTS (SELECT 1 FROM sighting_candidates c WHERE c.sighting_id = s.id AND c.identity_id = ${id}::uuid)
         OR s.crop_image_key IN (SELECT image_key FROM faces WHERE identity_id = ${id}::uuid)
         OR (s.embedding IS NOT NULL AND ${matches(Prisma.sql`s.embedding`)})
      FOR UPDATE OF s
    )
    UPDATE sightings s SET embedding = NULL, crop_image_key = NULL, identity_id = NULL
    FROM targets WHERE s.id = targets.id
    RETURNING targets.crop_image_key AS "cropImageKey"`;
  await tx.sightingCandidate.deleteMany({ where: { identityId: id } });
  await tx.alert.updateMany({ where: { identityId: id }, data: { identityId: null } });
  const clustersCleared = await tx.$executeRaw`
    WITH templates AS (${templates})
    UPDATE unknown_clusters s SET centroid = NULL
    WHERE s.centroid IS NOT NULL AND (s.identity_id = ${id}::uuid OR ${matches(Prisma.sql`s.centroid`)})`;
  return {
    sightingsCleared: cleared.length,
    clustersCleared,
    cropKeys: [...new Set(cleared.flatMap((c) => (c.cropImageKey === null ? [] : [c.cropImageKey])))],
  };
}
