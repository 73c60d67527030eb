import { describe, expect, it, vi } from 'vitest';
import type { Actor } from './actor.js';
import { galleryScope, requireGallery } from './gallery-access.js';

const boundKey: Actor = { kind: 'apiKey', keyId: 'k1', scopes: ['read'], galleryId: 'g1', createdById: 'u1' };
const openKey: Actor = { ...boundKey, galleryId: null };
const admin: Actor = { kind: 'user', userId: 'u1', email: 'admin@example.org', role: 'ADMIN' };

describe('galleryScope', () => {
  it('is the gallery of a bound key, and null for everyone who reaches every gallery', () => {
    expect(galleryScope(boundKey)).toBe('g1');
    expect(galleryScope(openKey)).toBeNull();
    expect(galleryScope(admin)).toBeNull();
    expect(galleryScope({ kind: 'system' })).toBeNull();
  });
});

describe('requireGallery', () => {
  it('returns the gallery the caller may reach', async () => {
    const find = vi.fn(async (id: string) => ({ id }));
    await expect(requireGallery(boundKey, 'g1', find)).resolves.toEqual({ id: 'g1' });
    await expect(requireGallery(admin, 'g2', find)).resolves.toEqual({ id: 'g2' });
  });

  it('refuses another gallery to a bound key before reading it, so the key learns nothing of it', async () => {
    const find = vi.fn(async (id: string) => ({ id }));
    await expect(requireGallery(boundKey, 'g2', find)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(find).not.toHaveBeenCalled();
  });

  it('answers NOT_FOUND in the one wording, naming the input field', async () => {
    const find = vi.fn(async () => null);
    await expect(requireGallery(admin, 'g9', find, 'galleryId')).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'No gallery has id g9; list galleries to find its id.',
      details: { id: 'g9', field: 'galleryId' },
    });
  });
});
