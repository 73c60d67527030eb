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
export declare class UsersRepository {
    private readonly prisma;
    constructor(prisma: PrismaClient);
    findByEmail(email: string, tx?: Transaction): Promise<UserRecord | null>;
    findById(id: string, tx?: Transaction): Promise<UserRecord | null>;
    list(): Promise<UserRecord[]>;
    count(tx?: Transaction): Promise<number>;
    /** Admins who can still sign in, other than `exceptId`. */
    countOtherActiveAdmins(tx: Transaction, exceptId: string): Promise<number>;
    create(tx: Transaction, data: {
        email: string;
        passwordHash: string;
        role: Role;
    }): Promise<UserRecord>;
    update(tx: Transaction, id: string, changes: UserChanges): Promise<UserRecord>;
    /** Serialises first-admin creation across processes for the rest of `tx`. */
    lockUserCreation(tx: Transaction): Promise<void>;
}
