import type { Role } from '@faceledger/db';
import type { AuditRepository } from '../audit/audit.repository.js';
import { type Actor } from '../auth/actor.js';
import type { SessionsRepository } from '../auth/sessions.repository.js';
import type { UserRecord, UsersRepository } from './users.repository.js';
/** A new user's details. */
export interface NewUser {
    email: string;
    password: string;
    role: Role;
}
/** Changes to a user; absent fields stay as they are. */
export interface UserUpdate {
    role?: Role | null;
    disabled?: boolean | null;
    password?: string | null;
}
/** What happened to the first-admin settings at start. */
export type FirstAdminOutcome = 'created' | 'usersExist';
export declare class UsersService {
    private readonly users;
    private readonly sessions;
    private readonly audit;
    constructor(users: UsersRepository, sessions: SessionsRepository, audit: AuditRepository);
    list(actor: Actor): Promise<UserRecord[]>;
    /** The signed-in user's own row, or null for any other caller. */
    findViewer(actor: Actor): Promise<UserRecord | null>;
    create(actor: Actor, input: NewUser): Promise<UserRecord>;
    update(actor: Actor, id: string, input: UserUpdate): Promise<UserRecord>;
    /** Creates an ADMIN from the settings when the database has no user yet; does nothing otherwise. */
    createFirstAdmin(rawEmail: string, password: string): Promise<FirstAdminOutcome>;
    private insert;
}
