// The GraphQL calls integration tests make to set up and to check a refusal, written once.
import { expect } from 'vitest';
import type { TestServer } from './test-server.js';

type Headers = Record<string, string>;

/** Runs create<kind>(input) and returns the new id; any error fails the test. */
async function create(
  server: TestServer,
  kind: 'Gallery' | 'Identity',
  input: Record<string, unknown>,
  headers: Headers,
): Promise<string> {
  const field = `create${kind}`;
  const body = await server.graphql<Record<string, { id: string }>>(
    `mutation ($input: Create${kind}Input!) { ${field}(input: $input) { id } }`,
    { input },
    headers,
  );
  expect(body.errors).toBeUndefined();
  return body.data![field]!.id;
}

/** Creates a gallery (CreateGalleryInput) and returns its id. */
export function addGallery(
  server: TestServer,
  input: Record<string, unknown>,
  headers: Headers,
): Promise<string> {
  return create(server, 'Gallery', input, headers);
}

/** Creates an identity (CreateIdentityInput) and returns its id. */
export function addIdentity(
  server: TestServer,
  input: { galleryId: string; externalId: string; displayName: string } & Record<string, unknown>,
  headers: Headers,
): Promise<string> {
  return create(server, 'Identity', input, headers);
}

/** The code of the first error a GraphQL call answers; undefined when it has none. */
export async function errorCodeOf(
  server: TestServer,
  query: string,
  variables: Record<string, unknown>,
  headers: Headers,
): Promise<string | undefined> {
  return (await server.graphql(query, variables, headers)).errors?.[0]?.extensions?.code;
}
