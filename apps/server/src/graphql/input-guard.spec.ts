// Input that the database cannot store, or that nests deep enough to exhaust the stack, is refused
// as BAD_INPUT naming the field before any write, on both databases (each used to answer INTERNAL
// or throw a RangeError): NUL and lone surrogates in every kind of text field, year 0 in dates.
import { TEST_DATABASE_MODES } from '@faceledger/db/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { createUserAndSignIn, type AuthHeaders } from '../../test/auth-helpers.js';
import { useTestServer, type TestServer } from '../../test/test-server.js';
import { MAX_INPUT_DEPTH } from './input-guard.js';

const NUL = 'Ann\u0000Lee';
const LONE = 'Ann\ud800Lee';

/** A metadata object nested `depth` levels deep (5,000 levels is about 10 KB of JSON). */
function nested(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = {};
  for (let i = 0; i < depth; i += 1) value = { a: value };
  return value;
}

const CREATE_GALLERY = 'mutation ($input: CreateGalleryInput!) { createGallery(input: $input) { id } }';
const CREATE_IDENTITY = 'mutation ($input: CreateIdentityInput!) { createIdentity(input: $input) { id } }';

describe.each(TEST_DATABASE_MODES)('input the database cannot store, on %s', (mode) => {
  let server: TestServer;
  let admin: AuthHeaders;
  let galleryId: string;

  /** Rows and ledger entries, to show a refusal wrote nothing. */
  async function counts() {
    const prisma = server.db.prisma;
    return Promise.all([prisma.gallery.count(), prisma.identity.count(), prisma.auditEntry.count()]);
  }

  useTestServer(mode, (started) => (server = started));
  beforeAll(async () => {
    admin = await createUserAndSignIn(server, 'ADMIN');
    const created = await server.graphql<{ createGallery: { id: string } }>(
      CREATE_GALLERY,
      { input: { name: 'Guarded' } },
      admin,
    );
    galleryId = created.data!.createGallery.id;
  });

  const identity = (fields: Record<string, unknown>) => ({
    input: { galleryId, externalId: 'e-1', displayName: 'Ann Lee', ...fields },
  });

  const cases: Array<[string, () => [string, Record<string, unknown>], string]> = [
    ['NUL in a gallery name', () => [CREATE_GALLERY, { input: { name: NUL } }], 'input.name'],
    ['a lone surrogate in a gallery description', () => [CREATE_GALLERY, { input: { name: 'D', description: LONE } }], 'input.description'],
    ['NUL in a displayName', () => [CREATE_IDENTITY, identity({ displayName: NUL })], 'input.displayName'],
    ['a lone surrogate in an externalId', () => [CREATE_IDENTITY, identity({ externalId: LONE })], 'input.externalId'],
    ['NUL in a metadata value', () => [CREATE_IDENTITY, identity({ metadata: { team: NUL } })], 'input.metadata.team'],
    ['a lone surrogate in a metadata key', () => [CREATE_IDENTITY, identity({ metadata: { [LONE]: 'x' } })], 'input.metadata.(key)'],
    ['year 0 in consentGivenAt', () => [CREATE_IDENTITY, identity({ consentGivenAt: '0000-01-01T00:00:00Z' })], 'consentGivenAt'],
    ['NUL in a search', () => ['query ($g: ID!, $s: String) { identities(galleryId: $g, search: $s) { totalCount } }', { g: galleryId, s: NUL }], 's'],
    ['a lone surrogate in a sign-in email', () => ['mutation ($e: String!) { signIn(email: $e, password: "x") { id } }', { e: `a${LONE}@example.org` }], 'e'],
    ['NUL written into the document', () => [`mutation { createGallery(input: { name: ${JSON.stringify(NUL)} }) { id } }`, {}], 'input.name'],
    ['year 0 in an audit filter', () => ['query ($f: AuditLogFilter) { auditLog(filter: $f) { totalCount } }', { f: { from: '0000-06-01T00:00:00Z' } }], 'from'],
    ['year 0 in a match event filter', () => ['query ($f: MatchEventFilter) { matchEvents(filter: $f) { edges { cursor } } }', { f: { to: '0000-06-01T00:00:00Z' } }], 'to'],
  ];

  it.each(cases)('refuses %s as BAD_INPUT naming the field, writing nothing', async (_name, request, field) => {
    const before = await counts();
    const [query, variables] = request();
    const body = await server.graphql(query, variables, admin);
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_INPUT' });
    expect((body.errors?.[0]?.extensions as { field?: string }).field).toContain(field);
    expect(body.errors?.[0]?.message).not.toMatch(/went wrong/);
    expect(await counts()).toEqual(before);
  });

  it('refuses metadata nested 5,000 deep (10 KB) as BAD_INPUT, writing nothing', async () => {
    const before = await counts();
    // Written as text: JSON.stringify itself runs out of stack on such a value in a test worker.
    const deep = `${'{"a":'.repeat(5000)}{}${'}'.repeat(5000)}`;
    const input = JSON.stringify(identity({ externalId: 'e-deep' }).input).replace(/}$/, `,"metadata":${deep}}`);
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...admin },
      body: `{"query":${JSON.stringify(CREATE_IDENTITY)},"variables":{"input":${input}}}`,
    });
    const body = (await response.json()) as { errors?: Array<{ message: string; extensions: Record<string, unknown> }> };
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_INPUT' });
    expect(body.errors?.[0]?.extensions.field).toMatch(/^input\.metadata/);
    expect(body.errors?.[0]?.message).toContain(`${MAX_INPUT_DEPTH} levels`);
    expect(await counts()).toEqual(before);
  });

  it(`accepts metadata nested ${MAX_INPUT_DEPTH - 2} deep, surrogate pairs and right-to-left text`, async () => {
    const body = await server.graphql<{ createIdentity: { id: string } }>(
      CREATE_IDENTITY,
      identity({ externalId: 'e-ok', displayName: 'שלום 😀', metadata: nested(MAX_INPUT_DEPTH - 2), consentGivenAt: '0001-01-01T00:00:00Z' }),
      admin,
    );
    expect(body.errors).toBeUndefined();
    expect(body.data?.createIdentity.id).toBeTruthy();
  });
});
