// Erasure's part in jobs: the job rows and input files that hold a person being erased. Runs inside
// the erasure's transaction (modules/identities/identity-erasure.repository.ts).
import { Prisma } from '@faceledger/db';
import type { Transaction } from '../audit/audit.repository.js';

/** Whom an erasure removes from job rows: the identity, and its gallery and externalId before the tombstone. */
export interface ErasedPerson {
  identityId: string;
  galleryId: string;
  externalId: string;
  /** sha256 keys of the person's enrolled photos. */
  imageKeys: readonly string[];
}

/**
 * Inside the erasure's transaction: bulk-import rows that named the person (by externalId in its
 * gallery, or by the identity they created) keep only their line number,
 * outcome and ids (name, externalId, photo file name and message are cleared); input files of
 * unfinished jobs whose bytes are one of the person's photos are deleted. Returns the counts.
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
  return { jobItemsCleared, jobFilesDeleted };
}
