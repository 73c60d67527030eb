// For integration tests with the real engine: a test server whose engine has loaded, its ADMIN, and
// one gallery made through the API.
import type { DatabaseMode } from '@faceledger/db';
import { expect } from 'vitest';
import { adminHeaders, type AuthHeaders } from './auth-helpers.js';
import { startTestServer, type TestServer } from './test-server.js';

/** A started server with the recognition engine READY, an ADMIN and a gallery made with `gallery`. */
export async function startRecognitionGallery(
  mode: DatabaseMode,
  gallery: Record<string, unknown>,
): Promise<{ server: TestServer; admin: AuthHeaders; galleryId: string }> {
  const server = await startTestServer(mode, { recognition: true });
  expect((await server.recognition.whenSettled()).state).toBe('READY');
  const admin = await adminHeaders(server);
  const created = await server.graphql<{ createGallery: { id: string } }>(
    'mutation G($input: CreateGalleryInput!) { createGallery(input: $input) { id } }',
    { input: gallery },
    admin,
  );
  expect(created.errors).toBeUndefined();
  return { server, admin, galleryId: created.data!.createGallery.id };
}

/** Creates an identity in the gallery through the API and returns its id. */
export async function createTestIdentity(
  server: TestServer,
  admin: AuthHeaders,
  input: { galleryId: string; externalId: string; displayName: string },
): Promise<string> {
  const body = await server.graphql<{ createIdentity: { id: string } }>(
    'mutation C($input: CreateIdentityInput!) { createIdentity(input: $input) { id } }',
    { input },
    admin,
  );
  expect(body.errors).toBeUndefined();
  return body.data!.createIdentity.id;
}
