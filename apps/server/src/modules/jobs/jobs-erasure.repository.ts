// Erasure's part in jobs: the job rows and input files that hold a person being erased. Runs inside
// the erasure's transaction (modules/identities/identity-erasure.repository.ts).
import { Prisma } from '@faceledger/db';
import { cosine } from '../../shared/cosine.js';
import type { Transaction } from '../audit/audit.repository.js';

/** Whom an erasure removes from job rows: the identity, and its gallery and externalId before the tombstone. */
export interface ErasedPerson {
  identityId: string;
  galleryId: string;
  externalId: string;
  /** sha256 keys of the person's enrolled photos. */
  imageKeys: readonly string[];
  /** The person's face templates, to find evaluation images of them. */
  faces: ReadonlyArray<{ modelId: string; embedding: Float32Array }>;
  /** Cosine similarity at or above which an evaluation image counts as the person. */
  threshold: number;
}

/**
 * Inside the erasure's transaction: bulk-import rows that named the person (by externalId in its
 * gallery, or by the identity they created) keep only their line number, outcome and ids (name,
 * externalId, photo file name and message are cleared); evaluation items of the person's face are
 * cleared (below); input files of unfinished jobs whose bytes are one of the person's photos are
 * deleted. Returns the counts (both kinds of items in jobItemsCleared).
 */
export async function eraseJobDataOf(
  tx: Transaction,
  person: ErasedPerson,
): Promise<{ jobItemsCleared: number; jobFilesDeleted: number }> {
  const jobItemsCleared = await tx.$executeRaw`
    UPDATE job_items ji
    SET input = jsonb_strip_nulls(jsonb_build_object('line', ji.input -> 'line')),
        message = NULL
    FROM jobs j
    WHERE j.id = ji.job_id
      AND j.gallery_id = ${person.galleryId}::uuid
      AND (ji.input ->> 'externalId' = ${person.externalId} OR ji.result ->> 'identityId' = ${person.identityId})`;
  const jobFilesDeleted =
    person.imageKeys.length === 0
      ? 0
      : await tx.$executeRaw`
          DELETE FROM job_files
          WHERE encode(sha256(data), 'hex') IN (${Prisma.join([...person.imageKeys])})`;
  const evaluationItemsCleared = await eraseEvaluationItemsOf(tx, person);
  return { jobItemsCleared: jobItemsCleared + evaluationItemsCleared, jobFilesDeleted };
}

/**
 * Evaluation items whose image embedding (same model) matches one of the person's faces at the
 * threshold (or the evaluation's own, if lower) lose their embedding and archive path (which often
 * names the person). A finished evaluation keeps its computed result; a running one counts such
 * an image as failed. Compared here, in JavaScript: the embeddings are base64 float32 in JSON.
 */
async function eraseEvaluationItemsOf(tx: Transaction, person: ErasedPerson): Promise<number> {
  if (person.faces.length === 0) return 0;
  const items = await tx.$queryRaw<
    Array<{ id: string; modelId: string | null; threshold: number | null; embedding: string }>
  >`
    SELECT ji.id::text AS id, j.payload ->> 'modelId' AS "modelId",
           (j.payload ->> 'thresholdAtStart')::float8 AS threshold, ji.result ->> 'embedding' AS embedding
    FROM job_items ji JOIN jobs j ON j.id = ji.job_id
    WHERE j.kind = 'EVALUATION' AND ji.result ->> 'embedding' IS NOT NULL`;
  const matching = items.filter((item) => {
    const bytes = Buffer.from(item.embedding, 'base64');
    const embedding = new Float32Array(
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
    );
    const threshold = Math.min(person.threshold, item.threshold ?? person.threshold);
    return person.faces.some(
      (face) =>
        face.modelId === item.modelId &&
        face.embedding.length === embedding.length &&
        cosine(face.embedding, embedding) >= threshold,
    );
  });
  if (matching.length === 0) return 0;
  return tx.$executeRaw`
    UPDATE job_items SET input = '{}'::jsonb, result = NULL, message = 'Cleared by an erasure.'
    WHERE id IN (${Prisma.join(matching.map((m) => Prisma.sql`${m.id}::uuid`))})`;
}
