// Manages the people who sign in: create, change role, disable, reset password, and the first admin.
import type { Role } from '@faceledger/db';
import { z } from 'zod';
import { isUuid } from '../../shared/uuid.js';
import { AppError, ErrorCode } from '../../shared/app-error.js';
import { notFound } from '../../shared/not-found.js';
import type { Transaction, UnitOfWork } from '../../infrastructure/unit-of-work/unit-of-work.js';
import { auditEntry, type Actor } from '../auth/actor.js';
import { hashPassword, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../auth/password-hasher.js';
import { authorize } from '../auth/permissions.js';
import type { SessionsRepository } from '../auth/sessions.repository.js';
import type { UserRecord, UsersRepository, UserChanges } from './users.repository.js';

const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ error: 'email must be an address such as ada@example.org' }).max(254));
const passwordSchema = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `password must have at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(MAX_PASSWORD_LENGTH, `password must have at most ${MAX_PASSWORD_LENGTH} characters`);

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

export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly sessions: SessionsRepository,
    private readonly uow: Pick<UnitOfWork, 'transaction'>,
  ) {}

  async list(actor: Actor): Promise<UserRecord[]> {
    authorize(actor, 'users.manage');
    return this.users.list();
  }

  /** The signed-in user's own row, or null for any other caller. */
  async findViewer(actor: Actor): Promise<UserRecord | null> {
    return actor.kind === 'user' ? this.users.findById(actor.userId) : null;
  }

  async create(actor: Actor, input: NewUser): Promise<UserRecord> {
    authorize(actor, 'users.manage');
    const email = parse(emailSchema, input.email);
    const passwordHash = await hashPassword(parse(passwordSchema, input.password));
    return this.uow.transaction(async (tx) => {
      const user = await this.insert(tx.db, email, passwordHash, input.role);
      await tx.audit(createdEntry(actor, user, 'user.create'));
      return user;
    });
  }

  /**
   * Changes a user. Disabling one revokes their sessions; the API keys they made stop working while
   * they stay disabled (AuthService checks the creator at every request) and work again once enabled.
   */
  async update(actor: Actor, id: string, input: UserUpdate): Promise<UserRecord> {
    authorize(actor, 'users.manage');
    const changes: UserChanges = {};
    if (input.role != null) changes.role = input.role;
    if (input.disabled != null) changes.disabled = input.disabled;
    if (input.password != null)
      changes.passwordHash = await hashPassword(parse(passwordSchema, input.password));
    const changed = Object.keys(changes).map((k) => (k === 'passwordHash' ? 'password' : k));
    if (changed.length === 0)
      throw new AppError(ErrorCode.BAD_INPUT, 'Nothing to change: give a role, disabled or password.');
    if (!isUuid(id)) throw notFound('user', id);
    return this.uow.transaction(async (tx) => {
      const before = await this.users.findById(id, tx.db);
      if (!before) throw notFound('user', id);
      const losesAdmin =
        (changes.role !== undefined && changes.role !== 'ADMIN') || changes.disabled === true;
      if (
        before.role === 'ADMIN' &&
        !before.disabled &&
        losesAdmin &&
        (await this.users.countOtherActiveAdmins(tx.db, id)) === 0
      ) {
        throw new AppError(
          ErrorCode.BAD_INPUT,
          'This is the last enabled admin; make another user ADMIN first, so someone can still manage users.',
        );
      }
      const user = await this.users.update(tx.db, id, changes);
      const revokedSessions =
        changes.disabled === true || changes.passwordHash !== undefined
          ? await this.sessions.revokeAllOfUser(tx.db, id, new Date())
          : 0;
      await tx.audit(
        auditEntry(actor, 'user.update', `user:${id}`, {
          changed,
          role: user.role,
          disabled: user.disabled,
          revokedSessions,
        }),
      );
      return user;
    });
  }

  /** Creates an ADMIN from the settings when the database has no user yet; does nothing otherwise. */
  /** True while nobody can sign in yet (a fresh install): start-up then says how to make an admin. */
  async hasNoUsers(): Promise<boolean> {
    return (await this.users.count()) === 0;
  }

  async createFirstAdmin(rawEmail: string, password: string): Promise<FirstAdminOutcome> {
    if ((await this.users.count()) > 0) return 'usersExist';
    const email = parse(emailSchema, rawEmail);
    const passwordHash = await hashPassword(parse(passwordSchema, password));
    const system: Actor = { kind: 'system' };
    try {
      return await this.uow.transaction(async (tx) => {
        await this.users.lockUserCreation(tx.db);
        // Another process may have created the first user while this one was hashing.
        if ((await this.users.count(tx.db)) > 0) throw new FirstUserRace();
        const user = await this.insert(tx.db, email, passwordHash, 'ADMIN');
        await tx.audit(createdEntry(system, user, 'user.createFirstAdmin'));
        return 'created' as const;
      });
    } catch (error) {
      if (error instanceof FirstUserRace) return 'usersExist';
      throw error;
    }
  }

  private async insert(
    tx: Transaction,
    email: string,
    passwordHash: string,
    role: Role,
  ): Promise<UserRecord> {
    if (await this.users.findByEmail(email, tx)) {
      throw new AppError(
        ErrorCode.CONFLICT,
        `A user with email ${email} exists already; change that user instead.`,
        { email },
      );
    }
    return this.users.create(tx, { email, passwordHash, role });
  }
}

function createdEntry(actor: Actor, user: UserRecord, action: string) {
  return auditEntry(actor, action, `user:${user.id}`, { email: user.email, role: user.role });
}

/** Rolls back first-admin creation when another process won the race. */
class FirstUserRace extends Error {}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success)
    throw new AppError(ErrorCode.BAD_INPUT, result.error.issues.map((i) => i.message).join('; '));
  return result.data;
}
