// Names the actors of the audit ledger: every staff user (email, role) and API key (name, prefix)
// by id, for readers of the ledger (directory.read: ADMIN, AUDITOR). Enrolled people are not here.
import type { ApiKeysRepository } from '../api-keys/api-keys.repository.js';
import type { Actor } from '../auth/actor.js';
import { authorize } from '../auth/permissions.js';
import type { UsersRepository } from './users.repository.js';

/** A staff user as the directory shows it. */
export interface DirectoryUserView {
  id: string;
  email: string;
  role: 'ADMIN' | 'HR' | 'REVIEWER' | 'AUDITOR';
  disabled: boolean;
}

/** An API key as the directory shows it (never its hash). */
export interface DirectoryApiKeyView {
  id: string;
  name: string;
  prefix: string;
  createdByEmail: string | null;
  revokedAt: string | null;
}

/** The whole directory: small (staff and keys, not enrolled people), so it is read in one call. */
export interface ActorDirectoryView {
  users: DirectoryUserView[];
  apiKeys: DirectoryApiKeyView[];
}

export class ActorDirectoryService {
  constructor(
    private readonly users: Pick<UsersRepository, 'list'>,
    private readonly apiKeys: Pick<ApiKeysRepository, 'list'>,
  ) {}

  async read(actor: Actor): Promise<ActorDirectoryView> {
    authorize(actor, 'directory.read');
    const [users, apiKeys] = await Promise.all([this.users.list(), this.apiKeys.list()]);
    return {
      users: users.map((u) => ({ id: u.id, email: u.email, role: u.role, disabled: u.disabled })),
      apiKeys: apiKeys.map((k) => ({
        id: k.id,
        name: k.name,
        prefix: k.prefix,
        createdByEmail: k.createdBy?.email ?? null,
        revokedAt: k.revokedAt?.toISOString() ?? null,
      })),
    };
  }
}
