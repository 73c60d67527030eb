// actorDirectory over HTTP on both databases: auditors (and admins) read who the staff users and API
// keys are, so the audit log can name its actors; other roles and every API key are refused, and
// enrolled people are never in it.
import { TEST_DATABASE_MODES } from '@faceledger/db/testing';
import { describe, expect, it } from 'vitest';
import {
  adminHeaders,
  createApiKey,
  createApiKeyWithId,
  createUser,
  createUserAndSignIn,
  signIn,
} from '../../../test/auth-helpers.js';
import { useTestServer, type TestServer } from '../../../test/test-server.js';

const QUERY =
  '{ actorDirectory { users { id email role disabled } apiKeys { id name prefix createdByEmail revokedAt } } }';

interface Directory {
  actorDirectory: {
    users: Array<{ id: string; email: string; role: string; disabled: boolean }>;
    apiKeys: Array<{
      id: string;
      name: string;
      prefix: string;
      createdByEmail: string | null;
      revokedAt: string | null;
    }>;
  };
}

describe.each(TEST_DATABASE_MODES)('actorDirectory on %s', (mode) => {
  let server: TestServer;

  useTestServer(mode, (started) => (server = started));

  it('names every staff user and API key for an AUDITOR, and holds no enrolled person', async () => {
    const hr = await createUser(server, 'HR', { email: 'hr-directory@example.org' });
    const key = await createApiKeyWithId(server, ['identify']);
    await server.graphql(
      'mutation ($id: ID!) { revokeApiKey(id: $id) { id } }',
      { id: key.id },
      await adminHeaders(server),
    );
    const gallery = await server.graphql<{ createGallery: { id: string } }>(
      'mutation { createGallery(input: { name: "Directory", matchThreshold: 0.9 }) { id } }',
      {},
      await adminHeaders(server),
    );
    await server.graphql(
      'mutation ($g: ID!) { createIdentity(input: { galleryId: $g, externalId: "P-1", displayName: "Private Person" }) { id } }',
      { g: gallery.data?.createGallery.id },
      await adminHeaders(server),
    );
    const auditor = await createUser(server, 'AUDITOR');

    const body = await server.graphql<Directory>(
      QUERY,
      {},
      await signIn(server, auditor.email, auditor.password),
    );
    expect(body.errors).toBeUndefined();
    const directory = body.data!.actorDirectory;
    expect(directory.users).toContainEqual({
      id: hr.id,
      email: 'hr-directory@example.org',
      role: 'HR',
      disabled: false,
    });
    expect(directory.users).toContainEqual(expect.objectContaining({ id: auditor.id, role: 'AUDITOR' }));
    const listed = directory.apiKeys.find((k) => k.id === key.id);
    expect(listed).toMatchObject({
      name: 'test key identify',
      prefix: expect.stringMatching(/^fl_[0-9a-f]{12}$/),
    });
    expect(listed?.revokedAt).not.toBeNull();
    expect(listed?.createdByEmail).toMatch(/@example\.org$/);
    expect(JSON.stringify(directory)).not.toContain('Private Person');
    expect(JSON.stringify(directory)).not.toContain(key.key.slice(16));
  });

  it('is refused to HR and REVIEWER, and to API keys with a message that says to sign in', async () => {
    for (const role of ['HR', 'REVIEWER'] as const) {
      const body = await server.graphql(QUERY, {}, await createUserAndSignIn(server, role));
      expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', permission: 'directory.read' });
    }
    const body = await server.graphql(
      QUERY,
      {},
      await createApiKey(server, ['detect', 'verify', 'identify', 'enroll', 'read']),
    );
    expect(body.errors?.[0]).toMatchObject({
      message: expect.stringMatching(
        /^No API key scope allows directory\.read; sign in as a user with role ADMIN, AUDITOR/,
      ),
      extensions: { code: 'FORBIDDEN', permission: 'directory.read', scopes: [] },
    });
    expect((await server.graphql(QUERY)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
