import type { ApiKey } from '@faceledger/schema';
import type { ApiKeyWithCreator } from './api-keys.repository.js';
export declare function toApiKeyView(key: ApiKeyWithCreator): ApiKey;
