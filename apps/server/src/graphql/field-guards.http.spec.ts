// Field-level access over HTTP, on PGlite and on PostgreSQL, with real photos: personal fields of
// identities and faces reached through identify, verify and match events answer null with a
// FORBIDDEN error at their path for callers without the permission (permissions.ts FIELD_PERMISSIONS),
// and the rest of the answer stays intact.
import { TEST_DATABASE_MODES } from '@faceledger/db/testing';
import { createClient } from 'graphql-ws';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import {
  adminHeaders,
  createApiKey,
  createUserAndSignIn,
  type AuthHeaders,
} from '../../test/auth-helpers.js';
import { base64Of, lfwImage } from '../../test/test-data.js';
import { useTestServer, type TestServer } from '../../test/test-server.js';

interface GraphQLError {
  message: string;
  path?: Array<string | number>;
  extensions?: { code?: string; field?: string; permission?: string };
}

const IDENTITY_FIELDS = 'id status displayName externalId metadata consentGivenAt consentGivenBy';
const FACE_FIELDS = 'id modelId imageKey box landmarks';

const IDENTIFY = `mutation ($galleryId: ID!, $image: ImageInput!) {
  identify(galleryId: $galleryId, image: $image, topK: 1) {
    faces { eventId decision identity { ${IDENTITY_FIELDS} } candidates { rank score identity { ${IDENTITY_FIELDS} } face { ${FACE_FIELDS} } } }
  }
}`;

const VERIFY = `mutation ($identityId: ID!, $image: ImageInput!) {
  verify(identityId: $identityId, image: $image) { eventId decision score bestFace { ${FACE_FIELDS} } }
}`;

const MATCH_EVENT = `query ($id: ID!) {
  matchEvent(id: $id) {
    id decision topScore
    candidates { rank score identity { ${IDENTITY_FIELDS} faces { id } } face { ${FACE_FIELDS} } }
  }
}`;

/** The paths of the errors, as "a.0.b", each with its code and field. */
function refusals(errors: GraphQLError[] | undefined): string[] {
  return (errors ?? [])
    .map((e) => `${e.path?.join('.')} ${e.extensions?.code} ${e.extensions?.field}`)
    .sort();
}

describe.each(TEST_DATABASE_MODES)('field-level access over HTTP on %s', (mode) => {
  let server: TestServer;
  let admin: AuthHeaders;
  let galleryId: string;
  let identityId: string;
  let probe: string;
  const metadata = { employeeNumber: 'E-1042', department: 'Finance' };

  async function gql<T>(query: string, variables: Record<string, unknown>, headers: AuthHeaders) {
    return (await server.graphql<T>(query, variables, headers)) as { data?: T; errors?: GraphQLError[] };
  }

  useTestServer(mode, (started) => (server = started), { recognition: true });
  beforeAll(async () => {
    admin = await adminHeaders(server);
    const gallery = await gql<{ createGallery: { id: string } }>(
      'mutation ($input: CreateGalleryInput!) { createGallery(input: $input) { id } }',
      { input: { name: 'Staff', matchThreshold: 0.9, identifyThresholdOverride: 0.9 } },
      admin,
    );
    galleryId = gallery.data!.createGallery.id;
    const identity = await gql<{ createIdentity: { id: string } }>(
      'mutation ($input: CreateIdentityInput!) { createIdentity(input: $input) { id } }',
      {
        input: {
          galleryId,
          externalId: 'colin-powell',
          displayName: 'Colin Powell',
          metadata,
          consentGivenAt: '2026-01-02T03:04:05.000Z',
          consentGivenBy: 'Consent form 12',
        },
      },
      admin,
    );
    identityId = identity.data!.createIdentity.id;
    const enrolled = await gql<{ enrollFace: { __typename: string } }>(
      'mutation ($identityId: ID!, $image: ImageInput!) { enrollFace(identityId: $identityId, image: $image) { __typename } }',
      { identityId, image: { base64: await base64Of(lfwImage('Colin_Powell', 1)) } },
      admin,
    );
    expect(enrolled.data?.enrollFace.__typename).toBe('Enrolled');
    probe = await base64Of(lfwImage('Colin_Powell', 2));
  });

  it('gives an identify-only key who matched, but not metadata, consent or the enrolled face', async () => {
    const key = await createApiKey(server, ['identify']);
    const body = await gql<{
      identify: {
        faces: Array<{
          decision: string;
          identity: Record<string, unknown>;
          candidates: Array<{
            score: number;
            identity: Record<string, unknown>;
            face: Record<string, unknown>;
          }>;
        }>;
      };
    }>(IDENTIFY, { galleryId, image: { base64: probe } }, key);
    const [face] = body.data!.identify.faces;
    expect(face?.decision).toBe('MATCH');
    const named = {
      id: identityId,
      status: 'ACTIVE',
      displayName: 'Colin Powell',
      externalId: 'colin-powell',
      metadata: null,
      consentGivenAt: null,
      consentGivenBy: null,
    };
    expect(face?.identity).toEqual(named);
    expect(face?.candidates[0]?.identity).toEqual(named);
    expect(face?.candidates[0]?.score).toBeGreaterThan(0.9);
    expect(face?.candidates[0]?.face).toMatchObject({ imageKey: null, box: null, landmarks: null });
    expect(face?.candidates[0]?.face.id).toEqual(expect.any(String));
    expect(refusals(body.errors)).toEqual(
      [
        'identify.faces.0.identity.metadata FORBIDDEN Identity.metadata',
        'identify.faces.0.identity.consentGivenAt FORBIDDEN Identity.consentGivenAt',
        'identify.faces.0.identity.consentGivenBy FORBIDDEN Identity.consentGivenBy',
        'identify.faces.0.candidates.0.identity.metadata FORBIDDEN Identity.metadata',
        'identify.faces.0.candidates.0.identity.consentGivenAt FORBIDDEN Identity.consentGivenAt',
        'identify.faces.0.candidates.0.identity.consentGivenBy FORBIDDEN Identity.consentGivenBy',
        'identify.faces.0.candidates.0.face.imageKey FORBIDDEN Face.imageKey',
        'identify.faces.0.candidates.0.face.box FORBIDDEN Face.box',
        'identify.faces.0.candidates.0.face.landmarks FORBIDDEN Face.landmarks',
      ].sort(),
    );
    expect(body.errors?.[0]?.message).toMatch(/personal data that needs identities\.read.*API key/);
  });

  it("gives a verify-only key the decision and the best face's id, not its image key or geometry", async () => {
    const key = await createApiKey(server, ['verify']);
    const body = await gql<{ verify: { decision: string; bestFace: Record<string, unknown> } }>(
      VERIFY,
      { identityId, image: { base64: probe } },
      key,
    );
    expect(body.data?.verify.decision).toBe('MATCH');
    expect(body.data?.verify.bestFace).toMatchObject({
      id: expect.any(String),
      modelId: expect.any(String),
      imageKey: null,
      box: null,
      landmarks: null,
    });
    expect(refusals(body.errors)).toEqual(
      [
        'verify.bestFace.imageKey FORBIDDEN Face.imageKey',
        'verify.bestFace.box FORBIDDEN Face.box',
        'verify.bestFace.landmarks FORBIDDEN Face.landmarks',
      ].sort(),
    );
  });

  it("gives an AUDITOR a match event's ids, scores and decision, and no personal field of its candidates", async () => {
    const identified = await gql<{ identify: { faces: Array<{ eventId: string }> } }>(
      IDENTIFY,
      { galleryId, image: { base64: probe } },
      admin,
    );
    expect(identified.errors).toBeUndefined();
    const eventId = identified.data!.identify.faces[0]!.eventId;

    const auditor = await createUserAndSignIn(server, 'AUDITOR');
    const body = await gql<{
      matchEvent: {
        decision: string;
        candidates: Array<{
          score: number;
          identity: Record<string, unknown>;
          face: Record<string, unknown>;
        }>;
      };
    }>(MATCH_EVENT, { id: eventId }, auditor);
    expect(body.data?.matchEvent.decision).toBe('MATCH');
    const [candidate] = body.data!.matchEvent.candidates;
    expect(candidate?.identity).toEqual({
      id: identityId,
      status: 'ACTIVE',
      displayName: null,
      externalId: null,
      metadata: null,
      consentGivenAt: null,
      consentGivenBy: null,
      faces: null,
    });
    expect(candidate?.face).toMatchObject({
      id: expect.any(String),
      imageKey: null,
      box: null,
      landmarks: null,
    });
    const at = 'matchEvent.candidates.0';
    expect(refusals(body.errors)).toEqual(
      [
        `${at}.identity.displayName FORBIDDEN Identity.displayName`,
        `${at}.identity.externalId FORBIDDEN Identity.externalId`,
        `${at}.identity.metadata FORBIDDEN Identity.metadata`,
        `${at}.identity.consentGivenAt FORBIDDEN Identity.consentGivenAt`,
        `${at}.identity.consentGivenBy FORBIDDEN Identity.consentGivenBy`,
        `${at}.identity.faces FORBIDDEN Identity.faces`,
        `${at}.face.imageKey FORBIDDEN Face.imageKey`,
        `${at}.face.box FORBIDDEN Face.box`,
        `${at}.face.landmarks FORBIDDEN Face.landmarks`,
      ].sort(),
    );
    expect(body.errors?.find((e) => e.extensions?.field === 'Identity.displayName')?.message).toMatch(
      /your role \(AUDITOR\) lacks/,
    );

    // a REVIEWER and a read key may read the identity, so they get every field of the same event
    for (const headers of [
      await createUserAndSignIn(server, 'REVIEWER'),
      await createApiKey(server, ['read']),
    ]) {
      const full = await gql<typeof body.data>(MATCH_EVENT, { id: eventId }, headers);
      expect(full.errors).toBeUndefined();
      expect(full.data?.matchEvent.candidates[0]?.identity).toMatchObject({
        displayName: 'Colin Powell',
        externalId: 'colin-powell',
        metadata,
        consentGivenAt: '2026-01-02T03:04:05.000Z',
        consentGivenBy: 'Consent form 12',
        faces: [{ id: expect.any(String) }],
      });
      expect(full.data?.matchEvent.candidates[0]?.face).toMatchObject({
        imageKey: expect.stringMatching(/^[0-9a-f]{64}$/),
        box: expect.objectContaining({ width: expect.any(Number) }),
        landmarks: expect.anything(),
      });
    }
  });

  it("leaves the names out of an AUDITOR's live feed, over WebSocket", async () => {
    const headers = await createUserAndSignIn(server, 'AUDITOR');
    class CookieWebSocket extends WebSocket {
      constructor(address: string | URL, protocols?: string | string[]) {
        super(address, protocols, { headers });
      }
    }
    const client = createClient({
      url: `${server.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: CookieWebSocket,
      retryAttempts: 0,
      lazy: true,
    });
    try {
      const events = client.iterate<{
        matchEvents: { decision: string; topCandidate: Record<string, unknown> };
      }>({
        query:
          'subscription ($g: ID!) { matchEvents(galleryId: $g) { decision topCandidate { identityId score displayName externalId } } }',
        variables: { g: galleryId },
      });
      const first = events.next();
      await vi.waitFor(() => expect(server.services.liveFeed.listenerCount).toBe(1), { timeout: 5000 });
      const identified = await gql(IDENTIFY, { galleryId, image: { base64: probe } }, admin);
      expect(identified.errors).toBeUndefined();
      const { value } = await first;
      expect(value?.data?.matchEvents).toMatchObject({
        decision: 'MATCH',
        topCandidate: { identityId, score: expect.any(Number), displayName: null, externalId: null },
      });
      expect(refusals(value?.errors as GraphQLError[] | undefined)).toEqual([
        'matchEvents.topCandidate.displayName FORBIDDEN LiveMatchCandidate.displayName',
        'matchEvents.topCandidate.externalId FORBIDDEN LiveMatchCandidate.externalId',
      ]);
      await events.return?.();
    } finally {
      await client.dispose();
    }
  });
});
