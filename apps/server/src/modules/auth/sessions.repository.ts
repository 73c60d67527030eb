// The only code that reads and writes sessions. The token itself is never stored, only its sha256.
import type { PrismaClient, SessionModel } from '@faceledger/db';
import type { Transaction } from '../audit/audit.repository.js';
import type { UserRecord } from '../users/users.repository.js';

/** A session with the user it belongs to. */
export type SessionWithUser = SessionModel & { user: UserRecord };

export class SessionsRepository {
  constructor(private readonly prisma: PrismaClient) {}

  create(
    tx: Transaction,
    data: { tokenHash: string; userId: string; expiresAt: Date },
  ): Promise<SessionModel> {
    return tx.session.create({ data });
  }

  findByTokenHash(tokenHash: string): Promise<SessionWithUser | null> {
    return this.prisma.session.findUnique({ where: { tokenHash }, include: { user: true } });
  }

  /** Slides the expiry of a live session; false when it was revoked meanwhile. */
  async touch(id: string, lastSeenAt: Date, expiresAt: Date): Promise<boolean> {
    const { count } = await this.prisma.session.updateMany({
      where: { id, revokedAt: null },
      data: { lastSeenAt, expiresAt },
    });
    return count === 1;
  }

  /** Deletes the user's sessions that expired or were revoked before `before`, so rows do not pile up. */
  async deleteStale(tx: Transaction, userId: string, before: Date): Promise<number> {
    const { count } = await tx.session.deleteMany({
      where: { userId, OR: [{ expiresAt: { lt: before } }, { revokedAt: { lt: before } }] },
    });
    return count;
  }

  /** Revokes one session; false when it was revoked already. */
  async revoke(tx: Transaction, id: string, at: Date): Promise<boolean> {
    const { count } = await tx.session.updateMany({
      where: { id, revokedAt: null },
      data: { revokedAt: at },
    });
    return count === 1;
  }

  /** Revokes every live session of a user (after a password change or when disabling); returns how many. */
  async revokeAllOfUser(tx: Transaction, userId: string, at: Date): Promise<number> {
    const { count } = await tx.session.updateMany({
      where: { userId, revokedAt: null },
      data: { revokedAt: at },
    });
    return count;
  }
}
