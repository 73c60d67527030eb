import { Role } from '@faceledger/db';
import { TEST_DATABASE_MODES } from '@faceledger/db/testing';
import { describe, expect, it } from 'vitest';
import {
  adminHeaders,
  createApiKey,
  createApiKeyWithId,
  createUser,
  createUserAndSignIn,
  signIn,
  type AuthHeaders,
} from '../../../test/auth-helpers.js';
import { useTestServer, type TestServer } from '../../../test/test-server.js';
import { API_KEY_SCOPES, type Actor } from '../auth/actor.js';
import { isAllowed, type Permission } from '../auth/permissions.js';
import { standaloneUsersService } from './standalone-users.js';

/** Every operation of users and API keys that needs a permission, and how to call it over HTTP. */
const OPERATIONS: Array<{
  name: string;
  permission: Permission;
  call(
    server: TestServer,
    headers: AuthHeaders,
  ): Promise<{ errors?: Array<{ extensions?: { code?: string } }> }>;
}> = [
  { name: 'users', permission: 'users.manage', call: (s, h) => s.graphql('{ users { id email } }', {}, h) },
  {
    name: 'apiKeys',
    permission: 'apiKeys.manage',
    call: (s, h) => s.graphql('{ apiKeys { id prefix } }', {}, h),
  },
  {
    name: 'createUser',
    permission: 'users.manage',
    call: (s, h) =>
      s.graphql(
        'mutation ($input: CreateUserInput!) { createUser(input: $input) { id } }',
        {
          input: {
            email: `made-${Math.random().toString(36).slice(2)}@example.org`,
            password: 'a long enough password',
            role: 'HR',
          },
        },
        h,
      ),
  },
  {
    name: 'updateUser',
    permission: 'users.manage',
    call: async (s, h) => {
      const target = await createUser(s, 'HR');
      return s.graphql(
        'mutation ($id: ID!) { updateUser(id: $id, input: { role: REVIEWER }) { role } }',
        { id: target.id },
        h,
      );
    },
  },
  {
    name: 'createApiKey',
    permission: 'apiKeys.manage',
    call: (s, h) =>
      s.graphql('mutation { createApiKey(input: { name: "matrix", scopes: [read] }) { secret } }', {}, h),
  },
  {
    name: 'revokeApiKey',
    permission: 'apiKeys.manage',
    call: async (s, h) => {
      const { id } = await createApiKeyWithId(s, ['read']);
      return s.graphql('mutation ($id: ID!) { revokeApiKey(id: $id) { revokedAt } }', { id }, h);
    },
  },
];

describe.each(TEST_DATABASE_MODES)('users and the role matrix over HTTP on %s', (mode) => {
  let server: TestServer;
  useTestServer(mode, (started) => (server = started));

  it('lets each role and each API-key scope do exactly what PERMISSIONS says, and nobody anonymous', async () => {
    const principals: Array<{ label: string; actor: Actor; headers: AuthHeaders }> = [
      { label: 'anonymous', actor: { kind: 'anonymous' }, headers: {} },
    ];
    for (const role of Object.values(Role)) {
      principals.push({
        label: role,
        actor: { kind: 'user', userId: '', email: '', role },
        headers: await createUserAndSignIn(server, role),
      });
    }
    for (const scope of API_KEY_SCOPES) {
      principals.push({
        label: `key:${scope}`,
        actor: { kind: 'apiKey', keyId: '', scopes: [scope], galleryId: null, createdById: '' },
        headers: await createApiKey(server, [scope]),
      });
    }
    const outcomes: string[] = [];
    const expected: string[] = [];
    for (const { label, actor, headers } of principals) {
      for (const operation of OPERATIONS) {
        const body = await operation.call(server, headers);
        outcomes.push(`${label} ${operation.name}: ${body.errors?.[0]?.extensions?.code ?? 'ok'}`);
        const want =
          actor.kind === 'anonymous'
            ? 'UNAUTHENTICATED'
            : isAllowed(actor, operation.permission)
              ? 'ok'
              : 'FORBIDDEN';
        expected.push(`${label} ${operation.name}: ${want}`);
      }
    }
    expect(outcomes).toEqual(expected);
    expect(outcomes.filter((o) => o.endsWith(': ok'))).toHaveLength(OPERATIONS.length);
  });

  it('creates users with a hashed password, refusing short passwords, bad emails and duplicates', async () => {
    const admin = await adminHeaders(server);
    const create = (input: Record<string, unknown>) =>
      server.graphql<{ createUser: { id: string; email: string; role: string } }>(
        'mutation ($input: CreateUserInput!) { createUser(input: $input) { id email role disabled } }',
        { input },
        admin,
      );
    const made = await create({
      email: ' New.Person@Example.org ',
      password: 'twelve chars',
      role: 'AUDITOR',
    });
    expect(made.errors).toBeUndefined();
    expect(made.data?.createUser).toMatchObject({ email: 'new.person@example.org', role: 'AUDITOR' });
    const row = await server.db.prisma.user.findUniqueOrThrow({ where: { email: 'new.person@example.org' } });
    expect(row.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    await expect(signIn(server, 'new.person@example.org', 'twelve chars')).resolves.toHaveProperty('cookie');

    const short = await create({ email: 'short@example.org', password: 'elevenchars', role: 'HR' });
    expect(short.errors?.[0]?.extensions?.code).toBe('BAD_INPUT');
    expect(short.errors?.[0]?.message).toMatch(/at least 12 characters/);
    const badEmail = await create({ email: 'not an email', password: 'a long enough password', role: 'HR' });
    expect(badEmail.errors?.[0]?.extensions?.code).toBe('BAD_INPUT');
    const duplicate = await create({
      email: 'NEW.PERSON@example.org',
      password: 'a long enough password',
      role: 'HR',
    });
    expect(duplicate.errors?.[0]?.extensions?.code).toBe('CONFLICT');

    const audit = await server.db.prisma.auditEntry.findFirstOrThrow({
      where: { action: 'user.create', subject: `user:${row.id}` },
    });
    expect(audit.payload).toEqual({ email: 'new.person@example.org', role: 'AUDITOR' });
  });

  it('changes a password, ending the old sessions', async () => {
    const user = await createUser(server, 'HR');
    const old = await signIn(server, user.email, user.password);
    const changed = await server.graphql(
      'mutation ($id: ID!) { updateUser(id: $id, input: { password: "a brand new password" }) { id } }',
      { id: user.id },
      await adminHeaders(server),
    );
    expect(changed.errors).toBeUndefined();
    expect((await server.graphql('{ viewer { user { id } } }', {}, old)).data).toEqual({ viewer: null });
    await expect(signIn(server, user.email, user.password)).rejects.toThrow(/email or the password/);
    await expect(signIn(server, user.email, 'a brand new password')).resolves.toHaveProperty('cookie');
    const audit = await server.db.prisma.auditEntry.findFirstOrThrow({
      where: { action: 'user.update', subject: `user:${user.id}` },
    });
    expect(audit.payload).toMatchObject({ changed: ['password'], revokedSessions: 1 });
    expect(JSON.stringify(audit.payload)).not.toContain('brand new');
  });

  it('keeps at least one enabled admin', async () => {
    const { prisma } = server.db;
    await prisma.user.updateMany({ where: { role: 'ADMIN' }, data: { disabled: true } });
    const last = await createUser(server, 'ADMIN');
    const headers = await signIn(server, last.email, last.password);
    for (const input of [{ role: 'HR' }, { disabled: true }]) {
      const body = await server.graphql(
        'mutation ($id: ID!, $input: UpdateUserInput!) { updateUser(id: $id, input: $input) { id } }',
        { id: last.id, input },
        headers,
      );
      expect(body.errors?.[0]?.extensions?.code).toBe('BAD_INPUT');
      expect(body.errors?.[0]?.message).toMatch(/last enabled admin/);
    }
    const second = await createUser(server, 'ADMIN');
    const demoted = await server.graphql(
      'mutation ($id: ID!) { updateUser(id: $id, input: { role: HR }) { role } }',
      { id: second.id },
      headers,
    );
    expect(demoted.data).toEqual({ updateUser: { role: 'HR' } });
    const missing = await server.graphql(
      'mutation { updateUser(id: "00000000-0000-4000-8000-000000000000", input: { role: HR }) { id } }',
      {},
      headers,
    );
    expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    await prisma.user.updateMany({ where: { role: 'ADMIN' }, data: { disabled: false } });
  });
});

describe.each(TEST_DATABASE_MODES)('the first admin from settings on %s', (mode) => {
  let server: TestServer;
  useTestServer(mode, (started) => (server = started));

  it('is created only while the database has no user, and can then sign in', async () => {
    const { prisma } = server.db;
    const users = standaloneUsersService(prisma);
    await expect(users.createFirstAdmin('Root@Example.org', 'short')).rejects.toMatchObject({
      code: 'BAD_INPUT',
    });
    await expect(users.createFirstAdmin('Root@Example.org', 'first admin password')).resolves.toBe('created');
    await expect(users.createFirstAdmin('other@example.org', 'first admin password')).resolves.toBe(
      'usersExist',
    );
    expect(await prisma.user.findMany({ select: { email: true, role: true } })).toEqual([
      { email: 'root@example.org', role: 'ADMIN' },
    ]);
    await expect(signIn(server, 'root@example.org', 'first admin password')).resolves.toHaveProperty(
      'cookie',
    );
    const entry = await prisma.auditEntry.findFirstOrThrow({ where: { action: 'user.createFirstAdmin' } });
    expect(entry.actor).toBe('system');
  });
});
