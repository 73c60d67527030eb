import type { AuditRepository } from '../audit/audit.repository.js';
import { type Actor, type ApiKeyScope } from '../auth/actor.js';
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
export declare class ApiKeysService {
    private readonly apiKeys;
    private readonly audit;
    constructor(apiKeys: ApiKeysRepository, audit: AuditRepository);
    create(actor: Actor, input: NewApiKey): Promise<CreatedApiKey>;
    list(actor: Actor): Promise<ApiKeyWithCreator[]>;
    /** The calling key itself, or null when the caller is not an API key. */
    findViewer(actor: Actor): Promise<ApiKeyWithCreator | null>;
    /** Revokes a key at once; revoking a revoked key changes nothing and returns it as it is. */
    revoke(actor: Actor, id: string): Promise<ApiKeyWithCreator>;
}
