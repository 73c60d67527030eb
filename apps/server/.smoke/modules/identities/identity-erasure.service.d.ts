import type { IdentityModel } from '@faceledger/schema/server';
import type { Logger } from 'pino';
import type { AuditRepository } from '../audit/audit.repository.js';
import { type Actor } from '../auth/actor.js';
import type { IdentitiesRepository } from './identities.repository.js';
import type { ErasureCounts, IdentityErasureRepository } from './identity-erasure.repository.js';
/** The eraseIdentity result: the tombstone and what was removed. */
export interface IdentityErasureModel extends ErasureCounts {
    identity: IdentityModel;
    imagesDeleted: number;
}
export declare class IdentityErasureService {
    private readonly identities;
    private readonly erasure;
    private readonly audit;
    private readonly logger;
    constructor(identities: IdentitiesRepository, erasure: IdentityErasureRepository, audit: AuditRepository, logger: Logger);
    erase(actor: Actor, id: string): Promise<IdentityErasureModel>;
    /**
     * Deletes after commit, so a rolled-back erasure never loses an image. Each key is checked again
     * first: an enrollment of the same photo may have committed in between. A failure is logged with
     * the keys (hashes, not images) for an operator to delete; the database part stands.
     */
    private deleteImages;
}
