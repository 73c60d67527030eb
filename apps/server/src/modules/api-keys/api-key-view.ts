// An API key as GraphQL shows it: the prefix, never the hash.
import type { ApiKey, ApiKeyScope } from '@faceledger/schema';
import { toUserView } from '../users/user-view.js';
import type { ApiKeyWithCreator } from './api-keys.repository.js';

export function toApiKeyView(key: ApiKeyWithCreator): ApiKey {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    scopes: key.scopes as ApiKeyScope[],
    galleryId: key.galleryId,
    createdBy: key.createdBy ? toUserView(key.createdBy) : null,
    createdAt: key.createdAt.toISOString(),
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
    revokedAt: key.revokedAt?.toISOString() ?? null,
  };
}
