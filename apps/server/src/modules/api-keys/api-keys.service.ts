// Issues, lists and revokes integrators' API keys (ADMIN only). The key is returned once, at creation.
import { z } from 'zod';
import { AppError, ErrorCode } from '../../shared/app-error.js';
import { notFound } from '../../shared/not-found.js';
import type { UnitOfWork } from '../../infrastructure/unit-of-work/unit-of-work.js';
import { API_KEY_SCOPES, auditEntry, type Actor, type ApiKeyScope } from '../auth/actor.js';
import { authorize } from '../auth/permissions.js';
import { hashToken } from '../auth/token-hash.js';
import { generateApiKey } from './api-key-token.js';
import type { ApiKeysRepository, ApiKeyWithCreator } from './api-keys.repository.js';

/** What an admin asks for. */
export interface NewApiKey {
  name: string;
  scopes: readonly ApiKeyScope[];
  galleryId?: string | null;
}

/** A new key with its secret, which is not stored and cannot be shown again. */
export interface CreatedApiKey {
  apiKey: ApiKeyWithCreator;
  secret: string;
}

const newApiKeySchema = z.object({
  name: z.string().trim().min(1, 'name must not be empty').max(100, 'name must have at most 100 characters'),
  scopes: z
    .array(z.enum(API_KEY_SCOPES))
    .min(1, `scopes must name at least one of ${API_KEY_SCOPES.join(', ')}`)
    .transform((scopes) => [...new Set(scopes)]),
  galleryId: z.uuid({ error: 'galleryId must be a gallery id (a UUID)' }).nullish(),
});

export class ApiKeysService {
  constructor(
    private readonly apiKeys: ApiKeysRepository,
    private readonly uow: Pick<UnitOfWork, 'transaction'>,
  ) {}

  async create(actor: Actor, input: NewApiKey): Promise<CreatedApiKey> {
    authorize(actor, 'apiKeys.manage');
    const parsed = newApiKeySchema.safeParse(input);
    if (!parsed.success)
      throw new AppError(ErrorCode.BAD_INPUT, parsed.error.issues.map((i) => i.message).join('; '));
    const { name, scopes } = parsed.data;
    const galleryId = parsed.data.galleryId ?? null;
    if (galleryId !== null && !(await this.apiKeys.galleryExists(galleryId))) {
      throw notFound('gallery', galleryId, { field: 'galleryId' });
    }
    const createdById = creatorOf(actor);
    const { key, prefix } = generateApiKey();
    const apiKey = await this.uow.transaction(async (tx) => {
      const created = await this.apiKeys.create(tx.db, {
        name,
        prefix,
        secretHash: hashToken(key),
        scopes,
        galleryId,
        createdById,
      });
      await tx.audit(
        auditEntry(actor, 'apiKey.create', `apiKey:${created.id}`, { name, prefix, scopes, galleryId }),
      );
      return created;
    });
    return { apiKey, secret: key };
  }

  async list(actor: Actor): Promise<ApiKeyWithCreator[]> {
    authorize(actor, 'apiKeys.manage');
    return this.apiKeys.list();
  }

  /** The calling key itself, or null when the caller is not an API key. */
  async findViewer(actor: Actor): Promise<ApiKeyWithCreator | null> {
    return actor.kind === 'apiKey' ? this.apiKeys.findById(actor.keyId) : null;
  }

  /** Revokes a key at once; revoking a revoked key changes nothing and returns it as it is. */
  async revoke(actor: Actor, id: string): Promise<ApiKeyWithCreator> {
    authorize(actor, 'apiKeys.manage');
    if (!z.uuid().safeParse(id).success) throw notFound('API key', id);
    return this.uow.transaction(async (tx) => {
      const existing = await this.apiKeys.findById(id, tx.db);
      if (!existing) throw notFound('API key', id);
      const revoked = existing.revokedAt ? existing : await this.apiKeys.revoke(tx.db, id, new Date());
      await tx.audit(
        auditEntry(actor, 'apiKey.revoke', `apiKey:${id}`, {
          prefix: existing.prefix,
          alreadyRevoked: existing.revokedAt !== null,
        }),
      );
      return revoked;
    });
  }
}

/** Keys belong to a user; the CLI and other system work have none, so they cannot make keys. */
function creatorOf(actor: Actor): string {
  if (actor.kind === 'user') return actor.userId;
  throw new AppError(
    ErrorCode.FORBIDDEN,
    'API keys are created by a signed-in admin, so each key has an owner.',
  );
}
