// Credentials for integration tests over HTTP: a signed-in user of any role (a Cookie header) or an
// API key with any scopes (an Authorization header), made on a running TestServer. Pass the
// returned headers as the third argument of server.graphql() or to fetch().
import { randomUUID } from 'node:crypto';
import type { Role } from '@faceledger/db';
import type { ApiKeyScope } from '../src/modules/auth/actor.js';
import { hashPassword } from '../src/modules/auth/password-hasher.js';
import { SESSION_COOKIE } from '../src/modules/auth/session-cookie.js';
import type { TestServer } from './test-server.js';

/** Headers that authenticate a request: `{ cookie }` or `{ authorization }`. */
export type AuthHeaders = Record<string, string>;

/** A user made for a test, with the password it signs in with. */
export interface TestUser {
  id: string;
  email: string;
  password: string;
  role: Role;
}

/** The password of every user made by createUser() unless another is given. */
export const TEST_PASSWORD = 'correct horse battery staple';

/** Inserts a user straight into the database (no audit entry); `disabled` users cannot sign in. */
export async function createUser(
  server: TestServer,
  role: Role,
  options: { email?: string; password?: string; disabled?: boolean } = {},
): Promise<TestUser> {
  const email = (options.email ?? `${role.toLowerCase()}-${randomUUID()}@example.org`).toLowerCase();
  const password = options.password ?? TEST_PASSWORD;
  const user = await server.db.prisma.user.create({
    data: { email, passwordHash: await hashPassword(password), role, disabled: options.disabled ?? false },
  });
  return { id: user.id, email, password, role };
}

/** Signs in over HTTP and returns the session cookie as a Cookie header; throws on failure. */
export async function signIn(server: TestServer, email: string, password: string): Promise<AuthHeaders> {
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      query:
        'mutation SignIn($email: String!, $password: String!) { signIn(email: $email, password: $password) { id } }',
      variables: { email, password },
    }),
  });
  const body = (await response.json()) as { errors?: Array<{ message: string }> };
  if (body.errors?.length) throw new Error(`signIn failed: ${body.errors[0]?.message}`);
  const cookie = sessionCookieOf(response);
  if (!cookie) throw new Error('signIn set no session cookie');
  return { cookie };
}

/** A new user of `role`, signed in: pass the result as request headers. */
export async function createUserAndSignIn(server: TestServer, role: Role): Promise<AuthHeaders> {
  const user = await createUser(server, role);
  return signIn(server, user.email, user.password);
}

const adminSessions = new WeakMap<TestServer, Promise<AuthHeaders>>();

/** A signed-in ADMIN shared by all helpers on `server` (made on first use). */
export function adminHeaders(server: TestServer): Promise<AuthHeaders> {
  let headers = adminSessions.get(server);
  if (!headers) {
    headers = createUserAndSignIn(server, 'ADMIN');
    adminSessions.set(server, headers);
  }
  return headers;
}

/** The key made by createApiKeyWithId(), with its id for revoking and lookups. */
export interface TestApiKey {
  id: string;
  key: string;
  headers: AuthHeaders;
}

/** Creates an API key over HTTP as an admin (limited to `galleryId` when given). */
export async function createApiKeyWithId(
  server: TestServer,
  scopes: readonly ApiKeyScope[],
  galleryId?: string,
): Promise<TestApiKey> {
  const body = await server.graphql<{ createApiKey: { apiKey: { id: string }; secret: string } }>(
    'mutation CreateKey($input: CreateApiKeyInput!) { createApiKey(input: $input) { apiKey { id } secret } }',
    { input: { name: `test key ${scopes.join(',')}`, scopes, galleryId: galleryId ?? null } },
    await adminHeaders(server),
  );
  const created = body.data?.createApiKey;
  if (!created) throw new Error(`createApiKey failed: ${body.errors?.[0]?.message}`);
  return {
    id: created.apiKey.id,
    key: created.secret,
    headers: { authorization: `Bearer ${created.secret}` },
  };
}

/** An API key with `scopes` (and an optional gallery), as an Authorization header. */
export async function createApiKey(
  server: TestServer,
  scopes: readonly ApiKeyScope[],
  galleryId?: string,
): Promise<AuthHeaders> {
  return (await createApiKeyWithId(server, scopes, galleryId)).headers;
}

/** "faceledger_session=<token>" from a response's Set-Cookie, or null when it set none. */
export function sessionCookieOf(response: Response): string | null {
  for (const line of response.headers.getSetCookie()) {
    const [pair] = line.split(';');
    if (pair?.startsWith(`${SESSION_COOKIE}=`) && pair.length > SESSION_COOKIE.length + 1) return pair;
  }
  return null;
}
