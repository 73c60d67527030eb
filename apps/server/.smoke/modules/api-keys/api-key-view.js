import { toUserView } from '../users/user-view.js';
export function toApiKeyView(key) {
    return {
        id: key.id,
        name: key.name,
        prefix: key.prefix,
        scopes: key.scopes,
        galleryId: key.galleryId,
        createdBy: key.createdBy ? toUserView(key.createdBy) : null,
        createdAt: key.createdAt.toISOString(),
        lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
        revokedAt: key.revokedAt?.toISOString() ?? null,
    };
}
//# sourceMappingURL=api-key-view.js.map