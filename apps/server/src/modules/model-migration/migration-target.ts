// The model a gallery's new faces must also be embedded with: the target of its migration while
// the migration re-embeds or shadows. Enrollment writes that embedding beside the face in the same
// transaction, so a face enrolled or replaced after the job listed its faces is not left behind.
import type { ModelMigrationRecord } from './model-migration.repository.js';

/**
 * The target model of `latest` while it is RE_EMBEDDING or SHADOW from the gallery's model
 * (`galleryModelId`); null otherwise (no migration, switched, cancelled, or from another model).
 */
export function pendingTargetModel(
  latest: Pick<ModelMigrationRecord, 'status' | 'fromModelId' | 'toModelId'> | null,
  galleryModelId: string,
): string | null {
  if (!latest || latest.fromModelId !== galleryModelId) return null;
  return latest.status === 'RE_EMBEDDING' || latest.status === 'SHADOW' ? latest.toModelId : null;
}
