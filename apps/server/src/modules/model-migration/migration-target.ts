// The other model a gallery's new faces must also be embedded with: the target of its migration
// while the migration re-embeds or shadows (so the switch finds them), and the previous model while a
// switched migration's rollback window is open (so a rollback finds them). Enrollment writes that
// embedding beside the face in the same transaction, so no face enrolled or replaced after the job
// listed its faces, or after the switch, is left behind.
import type { ModelMigrationRecord } from './model-migration.repository.js';

/**
 * The model besides the gallery's (`galleryModelId`) that a new face of it needs an embedding under:
 * the target of `latest` while it is RE_EMBEDDING or SHADOW from the gallery's model; its previous
 * model (`fromModelId`) while it is SWITCHED to the gallery's model (the rollback window: it closes
 * when another migration starts, which cancels this one and drops the previous model's embeddings).
 * Null otherwise (no migration, cancelled, or about other models).
 */
export function otherModelForNewFaces(
  latest: Pick<ModelMigrationRecord, 'status' | 'fromModelId' | 'toModelId'> | null,
  galleryModelId: string,
): string | null {
  if (!latest) return null;
  if (latest.status === 'RE_EMBEDDING' || latest.status === 'SHADOW')
    return latest.fromModelId === galleryModelId ? latest.toModelId : null;
  if (latest.status === 'SWITCHED') return latest.toModelId === galleryModelId ? latest.fromModelId : null;
  return null;
}
