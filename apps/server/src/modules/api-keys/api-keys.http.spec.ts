import { TEST_DATABASE_MODES } from '@faceledger/db/testing';
import { describe, expect, it } from 'vitest';
import { adminHeaders, createApiKeyWithId, createUser, signIn } from '../../../test/auth-helpers.js';
import { useTestServer, type TestServer } from '../../../test/test-server.js';
import { API_KEY_SCOPES } from '../auth/actor.js';
import type { AuthService } from '../auth/auth.service.js';
import { authorize, authorizeGallery, isAllowed, PERMISSIONS, type Permission } from '../auth/permissions.js';

const CREATE = `mutation ($input: CreateApiKeyInput!) {
  createApiKey(input: $input) { secret apiKey { id name prefix scopes galleryId createdBy { email } createdAt lastUsedAt revokedAt } }
}`;
const VIEWER =
  '{ viewer { user { id } apiKey { id prefix scopes galleryId lastUsedAt createdBy { email } } } }';

interface KeyView {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  galleryId: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

describe.each(TEST_DATABASE_MODES)('API keys over HTTP on %s', (mode) => {
  let server: TestServer;
  let auth: AuthService;
  useTestServer(mode, (started) => {
    server = started;
    auth = started.services.auth;
  });

  async function createGallery(name: string): Promise<string> {
    const gallery = await server.db.prisma.gallery.create({
      data: { name, matchThreshold: 0.5, embeddingModelId: 'test-model' },
    });
    return gallery.id;
  }

  it('creates a key shown once, authenticates with it, records last use, and rejects it once revoked', async () => {
    const admin = await adminHeaders(server);
    const created = await server.graphql<{
      createApiKey: { secret: string; apiKey: KeyView & { createdBy: { email: string } } };
    }>(CREATE, { input: { name: '  Door camera  ', scopes: ['identify', 'read', 'identify'] } }, admin);
    expect(created.errors).toBeUndefined();
    const { secret, apiKey } = created.data!.createApiKey;
    expect(secret).toMatch(/^fl_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect(secret.startsWith(`${apiKey.prefix}_`)).toBe(true);
    expect(apiKey).toMatchObject({
      name: 'Door camera',
      scopes: ['identify', 'read'],
      galleryId: null,
      lastUsedAt: null,
      revokedAt: null,
    });

    const row = await server.db.prisma.apiKey.findUniqueOrThrow({ where: { id: apiKey.id } });
    expect(row.secretHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(secret.slice(16));

    const headers = { authorization: `Bearer ${secret}` };
    const viewer = await server.graphql<{ viewer: { user: null; apiKey: KeyView } }>(VIEWER, {}, headers);
    expect(viewer.errors).toBeUndefined();
    expect(viewer.data?.viewer.user).toBeNull();
    expect(viewer.data?.viewer.apiKey).toMatchObject({
      id: apiKey.id,
      scopes: ['identify', 'read'],
      createdBy: null,
    });
    expect(viewer.data?.viewer.apiKey.lastUsedAt).not.toBeNull();
    const firstUse = (await server.db.prisma.apiKey.findUniqueOrThrow({ where: { id: apiKey.id } }))
      .lastUsedAt;
    expect(firstUse).not.toBeNull();
    await server.graphql(VIEWER, {}, headers);
    const secondUse = (await server.db.prisma.apiKey.findUniqueOrThrow({ where: { id: apiKey.id } }))
      .lastUsedAt;
    expect(secondUse).toEqual(firstUse);

    const list = await server.graphql<{ apiKeys: Array<KeyView & { secret?: string }> }>(
      '{ apiKeys { id prefix lastUsedAt } }',
      {},
      admin,
    );
    expect(list.data?.apiKeys.find((k) => k.id === apiKey.id)?.lastUsedAt).toBe(firstUse?.toISOString());

    const revoked = await server.graphql<{ revokeApiKey: KeyView }>(
      'mutation ($id: ID!) { revokeApiKey(id: $id) { id revokedAt } }',
      { id: apiKey.id },
      admin,
    );
    expect(revoked.data?.revokeApiKey.revokedAt).not.toBeNull();

    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query: '{ health { ok } }' }),
    });
    expect(response.status).toBe(401);
    const body = (await response.json()) as {
      errors: Array<{ message: string; extensions: { code: string } }>;
    };
    expect(body.errors[0]?.extensions.code).toBe('UNAUTHENTICATED');
    expect(body.errors[0]?.message).toMatch(/revoked.*Ask an admin for a new one/);

    const actions = await server.db.prisma.auditEntry.findMany({
      where: { subject: `apiKey:${apiKey.id}` },
      orderBy: { seq: 'asc' },
    });
    expect(actions.map((a) => a.action)).toEqual(['apiKey.create', 'apiKey.revoke']);
    expect(JSON.stringify(actions.map((a) => a.payload))).not.toContain(secret);
  });

  it('answers malformed, unknown and tampered keys with UNAUTHENTICATED and a clear message', async () => {
    const { key } = await createApiKeyWithId(server, ['read']);
    const tampered = `${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`;
    const cases: Array<[string, RegExp]> = [
      ['Basic dXNlcjpwYXNz', /Bearer <API key>/],
      ['Bearer not-a-key', /not valid/],
      ['Bearer fl_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', /not valid/],
      [`Bearer ${tampered}`, /not valid/],
    ];
    for (const [authorization, message] of cases) {
      const response = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization },
        body: JSON.stringify({ query: '{ health { ok } }' }),
      });
      expect(response.status).toBe(401);
      const body = (await response.json()) as {
        errors: Array<{ message: string; extensions: { code: string } }>;
      };
      expect(body.errors[0]?.extensions.code).toBe('UNAUTHENTICATED');
      expect(body.errors[0]?.message).toMatch(message);
    }
    const rest = await fetch(`${server.url}/api/anything`, { headers: { authorization: 'Bearer nope' } });
    expect(rest.status).toBe(401);
    expect(await rest.json()).toMatchObject({ errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] });
  });

  it('stops a key working while the user who made it is disabled, over GraphQL, REST and WebSocket re-checks', async () => {
    const maker = await createUser(server, 'ADMIN');
    const makerHeaders = await signIn(server, maker.email, maker.password);
    const created = await server.graphql<{ createApiKey: { secret: string; apiKey: { prefix: string } } }>(
      CREATE,
      { input: { name: 'made by a leaver', scopes: ['read'] } },
      makerHeaders,
    );
    const { secret, apiKey } = created.data!.createApiKey;
    const headers = { authorization: `Bearer ${secret}` };
    expect((await server.graphql(VIEWER, {}, headers)).errors).toBeUndefined();

    const setDisabled = async (disabled: boolean) => {
      const changed = await server.graphql(
        'mutation ($id: ID!, $input: UpdateUserInput!) { updateUser(id: $id, input: $input) { disabled } }',
        { id: maker.id, input: { disabled } },
        await adminHeaders(server),
      );
      expect(changed.errors).toBeUndefined();
    };
    await setDisabled(true);
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query: VIEWER }),
    });
    expect(response.status).toBe(401);
    const body = (await response.json()) as {
      errors: Array<{ message: string; extensions: { code: string } }>;
    };
    expect(body.errors[0]?.extensions.code).toBe('UNAUTHENTICATED');
    expect(body.errors[0]?.message).toContain(apiKey.prefix);
    expect(body.errors[0]?.message).toMatch(/disabled/);
    const rest = await fetch(`${server.url}/api/audit/export`, { headers });
    expect(rest.status).toBe(401);
    // the WebSocket re-check goes through the same authentication (countRequest false)
    await expect(
      auth.authenticate(
        { authorization: `Bearer ${secret}`, sessionToken: undefined },
        { countRequest: false },
      ),
    ).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });

    // enabling the user again brings the key back; revoking is what ends a key for good
    await setDisabled(false);
    expect((await server.graphql(VIEWER, {}, headers)).errors).toBeUndefined();
  });

  it('turns a key into an actor whose scopes decide every permission', async () => {
    for (const scope of API_KEY_SCOPES) {
      const { key } = await createApiKeyWithId(server, [scope]);
      const { actor } = await auth.authenticate({ authorization: `Bearer ${key}`, sessionToken: undefined });
      expect(actor).toMatchObject({ kind: 'apiKey', scopes: [scope], galleryId: null });
      for (const permission of Object.keys(PERMISSIONS) as Permission[]) {
        const allowed = (PERMISSIONS[permission].scopes as readonly string[]).includes(scope);
        expect(isAllowed(actor, permission), `${scope} -> ${permission}`).toBe(allowed);
        if (allowed) expect(() => authorize(actor, permission)).not.toThrow();
        else
          expect(() => authorize(actor, permission)).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
      }
    }
  });

  it('limits a key to its gallery', async () => {
    const mine = await createGallery(`mine-${mode}`);
    const other = await createGallery(`other-${mode}`);
    const { key } = await createApiKeyWithId(server, ['identify'], mine);
    const viewer = await server.graphql<{ viewer: { apiKey: KeyView } }>(
      VIEWER,
      {},
      { authorization: `Bearer ${key}` },
    );
    expect(viewer.data?.viewer.apiKey.galleryId).toBe(mine);

    const { actor } = await auth.authenticate({ authorization: `Bearer ${key}`, sessionToken: undefined });
    expect(() => authorizeGallery(actor, mine)).not.toThrow();
    expect(() => authorizeGallery(actor, other)).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));

    const unrestricted = await createApiKeyWithId(server, ['identify']);
    const free = await auth.authenticate({
      authorization: `Bearer ${unrestricted.key}`,
      sessionToken: undefined,
    });
    expect(() => authorizeGallery(free.actor, other)).not.toThrow();

    const missing = await server.graphql(
      CREATE,
      { input: { name: 'ghost', scopes: ['read'], galleryId: '00000000-0000-4000-8000-000000000000' } },
      await adminHeaders(server),
    );
    expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('rejects bad input with BAD_INPUT and unknown ids with NOT_FOUND', async () => {
    const admin = await adminHeaders(server);
    const noScopes = await server.graphql(CREATE, { input: { name: 'x', scopes: [] } }, admin);
    expect(noScopes.errors?.[0]?.extensions?.code).toBe('BAD_INPUT');
    const noName = await server.graphql(CREATE, { input: { name: '  ', scopes: ['read'] } }, admin);
    expect(noName.errors?.[0]?.extensions?.code).toBe('BAD_INPUT');
    const badGallery = await server.graphql(
      CREATE,
      { input: { name: 'x', scopes: ['read'], galleryId: 'nope' } },
      admin,
    );
    expect(badGallery.errors?.[0]?.extensions?.code).toBe('BAD_INPUT');
    for (const id of ['nope', '00000000-0000-4000-8000-000000000000']) {
      const revoke = await server.graphql(
        'mutation ($id: ID!) { revokeApiKey(id: $id) { id } }',
        { id },
        admin,
      );
      expect(revoke.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    }
  });
});
