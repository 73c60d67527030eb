import { TEST_DATABASE_MODES } from '@faceledger/db/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  adminHeaders,
  createApiKey,
  createUserAndSignIn,
  type AuthHeaders,
} from '../../../test/auth-helpers.js';
import { errorCodeOf } from '../../../test/graphql-helpers.js';
import { useTestServer, type TestServer } from '../../../test/test-server.js';

const GALLERY_FIELDS =
  'id name description matchThreshold embeddingModelId probeRetentionDays forbidLikelyDuplicates identityCount createdAt updatedAt';

interface GalleryShape {
  id: string;
  name: string;
  description: string;
  matchThreshold: number;
  embeddingModelId: string;
  probeRetentionDays: number;
  forbidLikelyDuplicates: boolean;
  identityCount: number;
}

describe.each(TEST_DATABASE_MODES)('galleries over HTTP on %s', (mode) => {
  let server: TestServer;
  let admin: AuthHeaders;

  async function createGallery(input: Record<string, unknown>, headers: AuthHeaders = admin) {
    return server.graphql<{ createGallery: GalleryShape }>(
      `mutation ($input: CreateGalleryInput!) { createGallery(input: $input) { ${GALLERY_FIELDS} } }`,
      { input },
      headers,
    );
  }

  async function auditActions(subject: string): Promise<string[]> {
    const rows = await server.db.prisma.auditEntry.findMany({ where: { subject }, orderBy: { seq: 'asc' } });
    return rows.map((r) => r.action);
  }

  useTestServer(mode, (started) => (server = started));
  beforeAll(async () => {
    admin = await adminHeaders(server);
  });

  it('creates a gallery with defaults: the engine model id, 30 retention days, duplicates warned', async () => {
    const body = await createGallery({ name: '  Staff  ', matchThreshold: 0.6 });
    expect(body.errors).toBeUndefined();
    const gallery = body.data!.createGallery;
    expect(gallery).toMatchObject({
      name: 'Staff',
      description: '',
      matchThreshold: 0.6,
      embeddingModelId: 'faceapi-resnet128',
      probeRetentionDays: 30,
      forbidLikelyDuplicates: false,
      identityCount: 0,
    });
    expect(await auditActions(`gallery:${gallery.id}`)).toEqual(['gallery.create']);
  });

  it.each([
    [{ name: '', matchThreshold: 0.5 }, 'name', /name must not be empty/],
    [{ name: '   ', matchThreshold: 0.5 }, 'name', /name must not be empty/],
    [{ name: 'T0', matchThreshold: 0 }, 'matchThreshold', /greater than 0 and less than 1/],
    [{ name: 'T1', matchThreshold: 1 }, 'matchThreshold', /greater than 0 and less than 1/],
    [
      { name: 'T2', matchThreshold: 0.5, probeRetentionDays: -1 },
      'probeRetentionDays',
      /0 \(keep no probe images\) or more/,
    ],
  ])('refuses %o with BAD_INPUT naming the field', async (input, field, message) => {
    const body = await createGallery(input);
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_INPUT', field });
    expect(body.errors?.[0]?.message).toMatch(message);
  });

  it('answers CONFLICT for a name taken already, ignoring case, and says what to do', async () => {
    await createGallery({ name: 'Visitors', matchThreshold: 0.5 });
    const body = await createGallery({ name: 'VISITORS', matchThreshold: 0.5 });
    expect(body.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(body.errors?.[0]?.message).toMatch(/already exists .* choose another name/);
  });

  it('updates only the given fields, audits the change, and refuses a taken name', async () => {
    const created = (await createGallery({ name: 'Contractors', matchThreshold: 0.5, probeRetentionDays: 7 }))
      .data!.createGallery;
    const update = (input: Record<string, unknown>) =>
      server.graphql<{ updateGallery: GalleryShape }>(
        `mutation ($id: ID!, $input: UpdateGalleryInput!) { updateGallery(id: $id, input: $input) { ${GALLERY_FIELDS} } }`,
        { id: created.id, input },
        admin,
      );
    const body = await update({
      matchThreshold: 0.7,
      forbidLikelyDuplicates: true,
      description: 'Badged contractors',
    });
    expect(body.errors).toBeUndefined();
    expect(body.data!.updateGallery).toMatchObject({
      name: 'Contractors',
      matchThreshold: 0.7,
      forbidLikelyDuplicates: true,
      description: 'Badged contractors',
      probeRetentionDays: 7,
    });
    expect((await update({ name: 'staff' })).errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect((await update({ matchThreshold: 1.5 })).errors?.[0]?.extensions?.code).toBe('BAD_INPUT');
    const entry = await server.db.prisma.auditEntry.findFirst({
      where: { subject: `gallery:${created.id}`, action: 'gallery.update' },
    });
    expect(entry?.payload).toEqual({
      changes: {
        matchThreshold: { from: 0.5, to: 0.7 },
        forbidLikelyDuplicates: { from: false, to: true },
        description: { from: '', to: 'Badged contractors' },
      },
    });
  });

  it('gets and lists galleries; unknown ids are NOT_FOUND', async () => {
    const list = await server.graphql<{ galleries: GalleryShape[] }>(
      `{ galleries { ${GALLERY_FIELDS} } }`,
      {},
      admin,
    );
    const names = list.data!.galleries.map((g) => g.name);
    expect(names).toEqual(expect.arrayContaining(['Contractors', 'Staff', 'Visitors']));
    expect(names).toEqual([...names].sort());
    const id = list.data!.galleries[0]!.id;
    const one = await server.graphql<{ gallery: GalleryShape }>(
      'query ($id: ID!) { gallery(id: $id) { id } }',
      { id },
      admin,
    );
    expect(one.data?.gallery.id).toBe(id);
    for (const missing of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      const body = await server.graphql(
        'query ($id: ID!) { gallery(id: $id) { id } }',
        { id: missing },
        admin,
      );
      expect(body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    }
  });

  it('deletes an empty gallery, refuses one that still holds identities', async () => {
    const empty = (await createGallery({ name: 'Temporary', matchThreshold: 0.5 })).data!.createGallery;
    const full = (await createGallery({ name: 'Occupied', matchThreshold: 0.5 })).data!.createGallery;
    await server.db.prisma.identity.create({
      data: { galleryId: full.id, externalId: 'E1', displayName: 'Someone' },
    });
    const del = (id: string) =>
      server.graphql<{ deleteGallery: string }>(
        'mutation ($id: ID!) { deleteGallery(id: $id) }',
        { id },
        admin,
      );
    expect((await del(empty.id)).data?.deleteGallery).toBe(empty.id);
    expect(await server.db.prisma.gallery.findUnique({ where: { id: empty.id } })).toBeNull();
    expect(await auditActions(`gallery:${empty.id}`)).toEqual(['gallery.create', 'gallery.delete']);
    const refused = await del(full.id);
    expect(refused.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(refused.errors?.[0]?.message).toMatch(/erase them first/);
    expect((await del(empty.id)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('lets every role read, ADMIN and HR create, only ADMIN change; anonymous callers are UNAUTHENTICATED', async () => {
    const hr = await createUserAndSignIn(server, 'HR');
    const auditor = await createUserAndSignIn(server, 'AUDITOR');
    expect((await server.graphql('{ galleries { id } }', {}, auditor)).errors).toBeUndefined();
    const byHr = await createGallery({ name: 'By HR', matchThreshold: 0.9 }, hr);
    expect(byHr.errors).toBeUndefined();
    const byHrId = (byHr.data as { createGallery: { id: string } } | undefined)?.createGallery.id;
    expect(byHrId).toBeDefined();
    const update = 'mutation ($id: ID!) { updateGallery(id: $id, input: { matchThreshold: 0.8 }) { id } }';
    expect(await errorCodeOf(server, update, { id: byHrId }, hr)).toBe('FORBIDDEN');
    expect(
      (await createGallery({ name: 'By auditor', matchThreshold: 0.9 }, auditor)).errors?.[0]?.extensions
        ?.code,
    ).toBe('FORBIDDEN');
    expect((await server.graphql('{ galleries { id } }')).errors?.[0]?.extensions?.code).toBe(
      'UNAUTHENTICATED',
    );
  });

  it('shows a gallery-restricted API key only its own gallery', async () => {
    const list = await server.graphql<{ galleries: GalleryShape[] }>('{ galleries { id name } }', {}, admin);
    const [own, other] = list.data!.galleries;
    const key = await createApiKey(server, ['read'], own!.id);
    const seen = await server.graphql<{ galleries: GalleryShape[] }>('{ galleries { id } }', {}, key);
    expect(seen.data?.galleries.map((g) => g.id)).toEqual([own!.id]);
    const forbidden = await server.graphql(
      'query ($id: ID!) { gallery(id: $id) { id } }',
      { id: other!.id },
      key,
    );
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const unrestricted = await createApiKey(server, ['identify']);
    const all = await server.graphql<{ galleries: GalleryShape[] }>('{ galleries { id } }', {}, unrestricted);
    expect(all.data?.galleries.length).toBe(list.data!.galleries.length);
  });
});
