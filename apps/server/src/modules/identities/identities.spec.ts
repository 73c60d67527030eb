import { TEST_DATABASE_MODES } from '@faceledger/db/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  adminHeaders,
  createApiKey,
  createUserAndSignIn,
  type AuthHeaders,
} from '../../../test/auth-helpers.js';
import { addGallery } from '../../../test/graphql-helpers.js';
import { encodeCursor } from '../../shared/relay-pagination.js';
import { useTestServer, type TestServer } from '../../../test/test-server.js';

const IDENTITY_FIELDS =
  'id galleryId externalId displayName metadata consentGivenAt consentGivenBy status faceCount faces { id } gallery { id name } createdAt updatedAt';

interface IdentityShape {
  id: string;
  galleryId: string;
  externalId: string;
  displayName: string;
  metadata: unknown;
  consentGivenAt: string | null;
  consentGivenBy: string | null;
  status: string;
  faceCount: number;
  faces: Array<{ id: string }>;
  gallery: { id: string; name: string };
}

interface Connection {
  edges: Array<{ node: { id: string; displayName: string }; cursor: string }>;
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
  totalCount: number;
}

const LIST_QUERY = `query ($galleryId: ID!, $search: String, $status: IdentityStatus, $first: Int, $after: String, $last: Int, $before: String) {
  identities(galleryId: $galleryId, search: $search, status: $status, first: $first, after: $after, last: $last, before: $before) {
    edges { node { id displayName } cursor }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    totalCount
  }
}`;

describe.each(TEST_DATABASE_MODES)('identities over HTTP on %s', (mode) => {
  let server: TestServer;
  let admin: AuthHeaders;
  let galleryId: string;
  let pagedGalleryId: string;

  const newGallery = (name: string) => addGallery(server, { name, matchThreshold: 0.6 }, admin);

  async function createIdentity(input: Record<string, unknown>, headers: AuthHeaders = admin) {
    return server.graphql<{ createIdentity: IdentityShape }>(
      `mutation ($input: CreateIdentityInput!) { createIdentity(input: $input) { ${IDENTITY_FIELDS} } }`,
      { input },
      headers,
    );
  }

  async function list(variables: Record<string, unknown>, headers: AuthHeaders = admin) {
    return server.graphql<{ identities: Connection }>(LIST_QUERY, variables, headers);
  }

  useTestServer(mode, (started) => (server = started));
  beforeAll(async () => {
    admin = await adminHeaders(server);
    galleryId = await newGallery('Employees');
    pagedGalleryId = await newGallery('Paged');
  });

  it('creates an identity with metadata and consent, and reads it back with its gallery and no faces', async () => {
    const body = await createIdentity({
      galleryId,
      externalId: ' EMP-001 ',
      displayName: 'Ada Lovelace',
      metadata: { department: 'R&D', floor: 3 },
      consentGivenAt: '2026-01-31T09:00:00Z',
      consentGivenBy: 'signed form 17',
    });
    expect(body.errors).toBeUndefined();
    const created = body.data!.createIdentity;
    expect(created).toMatchObject({
      galleryId,
      externalId: 'EMP-001',
      displayName: 'Ada Lovelace',
      metadata: { department: 'R&D', floor: 3 },
      consentGivenAt: '2026-01-31T09:00:00.000Z',
      consentGivenBy: 'signed form 17',
      status: 'ACTIVE',
      faceCount: 0,
      faces: [],
      gallery: { id: galleryId, name: 'Employees' },
    });
    const read = await server.graphql<{ identity: IdentityShape }>(
      `query ($id: ID!) { identity(id: $id) { ${IDENTITY_FIELDS} } }`,
      { id: created.id },
      admin,
    );
    expect(read.data?.identity).toEqual(created);
    const entry = await server.db.prisma.auditEntry.findFirst({
      where: { subject: `identity:${created.id}` },
    });
    expect(entry).toMatchObject({ action: 'identity.create', payload: { galleryId, hasConsent: true } });
    expect(JSON.stringify(entry?.payload)).not.toMatch(/Ada|EMP-001|R&D/);
  });

  it('answers CONFLICT for an externalId taken in the same gallery, but allows it in another', async () => {
    const body = await createIdentity({ galleryId, externalId: 'EMP-001', displayName: 'Someone else' });
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'externalId' });
    expect(body.errors?.[0]?.message).toMatch(/already exists in this gallery .* use another externalId/);
    const other = await createIdentity({
      galleryId: pagedGalleryId,
      externalId: 'EMP-001',
      displayName: 'Namesake',
    });
    expect(other.errors).toBeUndefined();
    await server.graphql(
      'mutation ($id: ID!) { suspendIdentity(id: $id) { id } }',
      { id: other.data!.createIdentity.id },
      admin,
    );
  });

  it.each([
    [{ externalId: '', displayName: 'X' }, 'externalId'],
    [{ externalId: 'E', displayName: '  ' }, 'displayName'],
    [{ externalId: 'E', displayName: 'X', metadata: [1, 2] }, 'metadata'],
    [{ externalId: 'E', displayName: 'X', metadata: 'text' }, 'metadata'],
    [{ externalId: 'E', displayName: 'X', consentGivenAt: 'yesterday' }, 'consentGivenAt'],
  ])('refuses %o with BAD_INPUT naming the field', async (input, field) => {
    const body = await createIdentity({ galleryId, ...input });
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_INPUT', field });
  });

  it('refuses an unknown gallery with NOT_FOUND', async () => {
    const body = await createIdentity({
      galleryId: '00000000-0000-4000-8000-000000000000',
      externalId: 'E',
      displayName: 'X',
    });
    expect(body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('updates given fields, clears consent with null, suspends and reactivates, auditing each without personal data', async () => {
    const { id } = (
      await createIdentity({ galleryId, externalId: 'EMP-002', displayName: 'Grace', consentGivenBy: 'form' })
    ).data!.createIdentity;
    const update = (input: Record<string, unknown>) =>
      server.graphql<{ updateIdentity: IdentityShape }>(
        `mutation ($id: ID!, $input: UpdateIdentityInput!) { updateIdentity(id: $id, input: $input) { ${IDENTITY_FIELDS} } }`,
        { id, input },
        admin,
      );
    const body = await update({
      displayName: 'Grace Hopper',
      metadata: { rank: 'RADM' },
      consentGivenBy: null,
    });
    expect(body.errors).toBeUndefined();
    expect(body.data!.updateIdentity).toMatchObject({
      externalId: 'EMP-002',
      displayName: 'Grace Hopper',
      metadata: { rank: 'RADM' },
      consentGivenBy: null,
    });
    expect((await update({ externalId: 'EMP-001' })).errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect((await update({ displayName: '' })).errors?.[0]?.extensions?.code).toBe('BAD_INPUT');

    const suspend = await server.graphql<{ suspendIdentity: IdentityShape }>(
      'mutation ($id: ID!) { suspendIdentity(id: $id) { status } }',
      { id },
      admin,
    );
    expect(suspend.data?.suspendIdentity.status).toBe('SUSPENDED');
    const reactivate = await server.graphql<{ reactivateIdentity: IdentityShape }>(
      'mutation ($id: ID!) { reactivateIdentity(id: $id) { status } }',
      { id },
      admin,
    );
    expect(reactivate.data?.reactivateIdentity.status).toBe('ACTIVE');
    const entries = await server.db.prisma.auditEntry.findMany({
      where: { subject: `identity:${id}` },
      orderBy: { seq: 'asc' },
    });
    expect(entries.map((e) => e.action)).toEqual([
      'identity.create',
      'identity.update',
      'identity.suspend',
      'identity.reactivate',
    ]);
    expect(entries[1]?.payload).toEqual({ galleryId, fields: ['consentGivenBy', 'displayName', 'metadata'] });
    expect(JSON.stringify(entries.map((e) => e.payload))).not.toMatch(/Grace|RADM/);
  });

  describe('paging through 25 identities, 10 at a time', () => {
    let expected: string[];

    beforeAll(async () => {
      // Repeated names check that ties are broken by id, so no row is skipped or repeated.
      for (let i = 0; i < 25; i += 1) {
        const name = `Person ${String(i % 9).padStart(2, '0')}`;
        const body = await createIdentity({
          galleryId: pagedGalleryId,
          externalId: `P-${i}`,
          displayName: name,
        });
        expect(body.errors).toBeUndefined();
      }
      const rows = await server.db.prisma.identity.findMany({
        where: { galleryId: pagedGalleryId, status: 'ACTIVE' },
        orderBy: [{ displayName: 'asc' }, { id: 'asc' }],
        select: { id: true },
      });
      expected = rows.map((r) => r.id);
      expect(expected).toHaveLength(25);
    });

    it('forward with first/after: every identity once, in order, with page info', async () => {
      const seen: string[] = [];
      let after: string | null = null;
      const pages: Connection[] = [];
      for (let guard = 0; guard < 5; guard += 1) {
        const body = await list({ galleryId: pagedGalleryId, status: 'ACTIVE', first: 10, after });
        expect(body.errors).toBeUndefined();
        const page = body.data!.identities;
        pages.push(page);
        seen.push(...page.edges.map((e) => e.node.id));
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor;
      }
      expect(seen).toEqual(expected);
      expect(pages.map((p) => p.edges.length)).toEqual([10, 10, 5]);
      expect(pages.map((p) => p.pageInfo.hasPreviousPage)).toEqual([false, true, true]);
      expect(pages.map((p) => p.pageInfo.hasNextPage)).toEqual([true, true, false]);
      expect(pages.every((p) => p.totalCount === 25)).toBe(true);
    });

    it('backward with last/before: every identity once, in order, with page info', async () => {
      const pages: Connection[] = [];
      let before: string | null = null;
      for (let guard = 0; guard < 5; guard += 1) {
        const body = await list({ galleryId: pagedGalleryId, status: 'ACTIVE', last: 10, before });
        expect(body.errors).toBeUndefined();
        const page = body.data!.identities;
        pages.push(page);
        if (!page.pageInfo.hasPreviousPage) break;
        before = page.pageInfo.startCursor;
      }
      const seen = pages.reverse().flatMap((p) => p.edges.map((e) => e.node.id));
      expect(seen).toEqual(expected);
      expect(pages.map((p) => p.edges.length)).toEqual([5, 10, 10]);
      expect(pages.map((p) => p.pageInfo.hasNextPage)).toEqual([true, true, false]);
    });

    it('lists suspended identities too unless a status is given, and filters by status', async () => {
      const all = await list({ galleryId: pagedGalleryId, first: 100 });
      expect(all.data?.identities.totalCount).toBe(26);
      const suspended = await list({ galleryId: pagedGalleryId, status: 'SUSPENDED' });
      expect(suspended.data?.identities.edges.map((e) => e.node.displayName)).toEqual(['Namesake']);
    });

    it('searches displayName and externalId anywhere, ignoring case', async () => {
      const byName = await list({ galleryId: pagedGalleryId, search: 'person 03' });
      expect(byName.data?.identities.totalCount).toBe(3);
      expect(byName.data?.identities.edges.every((e) => e.node.displayName === 'Person 03')).toBe(true);
      const byExternalId = await list({ galleryId: pagedGalleryId, search: 'p-2' });
      // P-2 and P-20 .. P-24
      expect(byExternalId.data?.identities.totalCount).toBe(6);
      const wildcard = await list({ galleryId: pagedGalleryId, search: '%' });
      expect(wildcard.data?.identities.totalCount).toBe(0);
      const underscore = await list({ galleryId: pagedGalleryId, search: 'p_2' });
      expect(underscore.data?.identities.totalCount).toBe(0);
      const paged = await list({ galleryId: pagedGalleryId, search: 'p-2', first: 4 });
      const rest = await list({
        galleryId: pagedGalleryId,
        search: 'p-2',
        first: 4,
        after: paged.data?.identities.pageInfo.endCursor,
      });
      expect(rest.data?.identities.edges).toHaveLength(2);
      expect(rest.data?.identities.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    });

    it.each([
      [{ first: 101 }, /from 0 to 100/],
      [{ first: -1 }, /from 0 to 100/],
      [{ first: 5, last: 5 }, /not both/],
      [{ after: 'bm90IGEgY3Vyc29y' }, /not a valid cursor/],
      // Names the database cannot compare against (it failed with INTERNAL before)
      [
        { after: encodeCursor(['Al\u0000ice', '00000000-0000-4000-8000-000000000000']) },
        /not a valid cursor/,
      ],
      [{ before: encodeCursor(['\ud800', '00000000-0000-4000-8000-000000000000']) }, /not a valid cursor/],
    ])('refuses paging arguments %o with BAD_INPUT', async (args, message) => {
      const body = await list({ galleryId: pagedGalleryId, ...args });
      expect(body.errors?.[0]?.extensions?.code).toBe('BAD_INPUT');
      expect(body.errors?.[0]?.message).toMatch(message);
    });
  });

  it('enforces roles and gallery-restricted API keys', async () => {
    const auditor = await createUserAndSignIn(server, 'AUDITOR');
    expect((await list({ galleryId }, auditor)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const reviewer = await createUserAndSignIn(server, 'REVIEWER');
    expect((await list({ galleryId }, reviewer)).errors).toBeUndefined();
    expect(
      (await createIdentity({ galleryId, externalId: 'R-1', displayName: 'By reviewer' }, reviewer))
        .errors?.[0]?.extensions?.code,
    ).toBe('FORBIDDEN');

    const key = await createApiKey(server, ['enroll'], galleryId);
    const own = await createIdentity({ galleryId, externalId: 'K-1', displayName: 'By key' }, key);
    expect(own.errors).toBeUndefined();
    const elsewhere = await createIdentity(
      { galleryId: pagedGalleryId, externalId: 'K-2', displayName: 'By key' },
      key,
    );
    expect(elsewhere.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await list({ galleryId: pagedGalleryId }, key)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const someone = await list({ galleryId: pagedGalleryId, first: 1 });
    const foreign = await server.graphql(
      'query ($id: ID!) { identity(id: $id) { id } }',
      { id: someone.data!.identities.edges[0]!.node.id },
      key,
    );
    expect(foreign.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
