// Erasure (the right to be forgotten): removes an identity's biometric and personal data in one
// audited transaction, keeps a tombstone, then deletes the stored images nothing else uses and
// rewrites the touched tables so the database files keep no copy of the erased rows.
import type { IdentityModel } from '@faceledger/schema/server';
import type { Logger } from 'pino';
import { AppError, ErrorCode } from '../../shared/app-error.js';
import { notFound } from '../../shared/not-found.js';
import type { UnitOfWork } from '../../infrastructure/unit-of-work/unit-of-work.js';
import { auditEntry, type Actor } from '../auth/actor.js';
import { authorize } from '../auth/permissions.js';
import type { IdentitiesRepository } from './identities.repository.js';
import { toIdentityModel } from './identities.mapper.js';
import { findIdentity } from './identities.service.js';
import {
  ERASURE_TABLES,
  OlderSnapshotError,
  tablesChangedBy,
  type ErasureCounts,
  type ErasureTable,
  type IdentityErasureRepository,
} from './identity-erasure.repository.js';

/** The eraseIdentity result: the tombstone and what was removed. */
export interface IdentityErasureModel extends ErasureCounts {
  identity: IdentityModel;
  imagesDeleted: number;
}

const NOTHING_ERASED: ErasureCounts = {
  facesDeleted: 0,
  faceEmbeddingsDeleted: 0,
  matchCandidatesDeleted: 0,
  probesCleared: 0,
  reviewNotesRedacted: 0,
  jobItemsCleared: 0,
  jobFilesDeleted: 0,
  uploadsDeleted: 0,
  sightingsCleared: 0,
  clustersCleared: 0,
};

export class IdentityErasureService {
  constructor(
    private readonly identities: IdentitiesRepository,
    private readonly erasure: IdentityErasureRepository,
    private readonly uow: Pick<UnitOfWork, 'transaction'>,
    private readonly logger: Logger,
  ) {}

  async erase(actor: Actor, id: string): Promise<IdentityErasureModel> {
    authorize(actor, 'identities.erase');
    const identity = await findIdentity(this.identities, actor, id);

    const { counts, imageKeys, tables, xid } = await this.uow.transaction(async (tx) => {
      const outcome = await this.erasure.eraseWithin(tx.db, id);
      if (outcome === null) throw notFound('identity', id);
      // Erasing again rewrites every table: it completes an earlier erasure whose rewrite failed.
      const result = outcome.alreadyErased
        ? {
            counts: NOTHING_ERASED,
            imageKeys: [] as string[],
            tables: [...ERASURE_TABLES],
            xid: undefined,
          }
        : {
            counts: outcome.counts,
            imageKeys: outcome.imageKeys,
            tables: tablesChangedBy(outcome.counts),
            xid: outcome.xid,
          };
      // Counts only: no names, keys of images or embeddings.
      await tx.audit(
        auditEntry(actor, 'identity.erase', `identity:${id}`, {
          galleryId: identity.galleryId,
          alreadyErased: outcome.alreadyErased,
          ...result.counts,
          imagesToDelete: result.imageKeys.length,
        }),
      );
      if (!outcome.alreadyErased)
        tx.publish({ type: 'IdentityErased', identityId: id, galleryId: identity.galleryId });
      return result;
    });

    const imagesDeleted = await this.deleteImages(id, imageKeys);
    await this.compact(id, tables, xid);
    const tombstone = await this.identities.findById(id);
    if (!tombstone) throw new AppError(ErrorCode.INTERNAL, `Identity ${id} vanished during erasure.`);
    this.logger.info({ identityId: id, ...counts, imagesDeleted }, 'identity erased');
    return { identity: toIdentityModel(tombstone), ...counts, imagesDeleted };
  }

  /**
   * Rewrites the touched tables after commit (VACUUM cannot run in a transaction). Until it has run,
   * the erased rows' old versions are still in the table files; a failure is logged and reported,
   * and the next erasure (or an operator's VACUUM FULL) completes it. The database part stands.
   */
  private async compact(identityId: string, tables: ErasureTable[], xid: string | undefined): Promise<void> {
    try {
      await this.erasure.compactErasedTables(tables, { erasedXid: xid });
    } catch (error) {
      this.logger.error({ err: error, identityId }, 'erasure could not rewrite the erased tables');
      const why =
        error instanceof OlderSnapshotError
          ? 'a database transaction that began before the erasure was still open, so the old row versions were kept; erase the identity again once long-running transactions (reports, backups, replicas) have ended'
          : 'the database could not rewrite the tables that held it, so old row versions may remain in its files; run VACUUM FULL on them (see the server log) or erase again later';
      throw new AppError(
        ErrorCode.INTERNAL,
        `Identity ${identityId} is erased, but ${why}.`,
        { id: identityId },
        { cause: error },
      );
    }
  }

  /**
   * Deletes after commit, so a rolled-back erasure never loses an image. Each key is checked again
   * first: an enrollment of the same photo may have committed in between. A failure is logged with
   * the keys (hashes, not images) for an operator to delete; the database part stands.
   */
  private async deleteImages(identityId: string, keys: string[]): Promise<number> {
    if (keys.length === 0) return 0;
    try {
      return await this.erasure.deleteImages(await this.erasure.findUnreferencedImageKeys(keys));
    } catch (error) {
      this.logger.error(
        { err: error, identityId, imageKeys: keys },
        'erasure could not delete stored images',
      );
      throw new AppError(
        ErrorCode.INTERNAL,
        `Identity ${identityId} is erased in the database, but some stored images could not be deleted; an operator must remove them (see the server log).`,
        { id: identityId },
        { cause: error },
      );
    }
  }
}
