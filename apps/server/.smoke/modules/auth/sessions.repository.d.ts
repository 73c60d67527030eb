import type { PrismaClient, SessionModel } from '@faceledger/db';
import type { Transaction } from '../audit/audit.repository.js';
import type { UserRecord } from '../users/users.repository.js';
/** A session with the user it belongs to. */
export type SessionWithUser = SessionModel & {
    user: UserRecord;
};
export declare class SessionsRepository {
    private readonly prisma;
    constructor(prisma: PrismaClient);
    create(tx: Transaction, data: {
        tokenHash: string;
        userId: string;
        expiresAt: Date;
    }): Promise<SessionModel>;
    findByTokenHash(tokenHash: string): Promise<SessionWithUser | null>;
    /** Slides the expiry of a live session; false when it was revoked meanwhile. */
    touch(id: string, lastSeenAt: Date, expiresAt: Date): Promise<boolean>;
    /** Revokes one session; false when it was revoked already. */
    revoke(tx: Transaction, id: string, at: Date): Promise<boolean>;
    /** Revokes every live session of a user (after a password change or when disabling); returns how many. */
    revokeAllOfUser(tx: Transaction, userId: string, at: Date): Promise<number>;
}
