// The only code that reads and writes users. Methods that change data take the caller's
// transaction, so the change and its audit entry commit together.
import type { PrismaClient, Role, UserModel } from '@faceledger/db';
import type { Transaction } from '../audit/audit.repository.js';

/** A user row, password hash included; never hand it to GraphQL as is. */
export type UserRecord = UserModel;

/** What can change on a user. */
export interface UserChanges {
  role?: Role;
  disabled?: boolean;
  passwordHash?: string;
}

export class UsersRepository {
  constructor(private readonly prisma: PrismaClient) {}

  findByEmail(email: string, tx: Transaction = this.prisma): Promise<UserRecord | null> {
    return tx.user.findUnique({ where: { email } });
  }

  findById(id: string, tx: Transaction = this.prisma): Promise<UserRecord | null> {
    return tx.user.findUnique({ where: { id } });
  }

  list(): Promise<UserRecord[]> {
    return this.prisma.user.findMany({ orderBy: { createdAt: 'asc' } });
  }

  count(tx: Transaction = this.prisma): Promise<number> {
    return tx.user.count();
  }

  /** Admins who can still sign in, other than `exceptId`. */
  countOtherActiveAdmins(tx: Transaction, exceptId: string): Promise<number> {
    return tx.user.count({ where: { role: 'ADMIN', disabled: false, id: { not: exceptId } } });
  }

  create(tx: Transaction, data: { email: string; passwordHash: string; role: Role }): Promise<UserRecord> {
    return tx.user.create({ data });
  }

  update(tx: Transaction, id: string, changes: UserChanges): Promise<UserRecord> {
    return tx.user.update({ where: { id }, data: changes });
  }

  /** Serialises first-admin creation across processes for the rest of `tx`. */
  async lockUserCreation(tx: Transaction): Promise<void> {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${FIRST_ADMIN_LOCK_KEY})`;
  }
}

/** Advisory lock key for first-admin creation; any constant unique to this lock. */
const FIRST_ADMIN_LOCK_KEY = 4_202_612;
