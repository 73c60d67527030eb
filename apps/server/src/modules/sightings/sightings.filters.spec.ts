// The sightings and alerts lists over HTTP with filter ids that are no UUID: they name no camera,
// identity or cluster, so the page is empty (as matchEvents' galleryId), never INTERNAL from the
// database refusing the cast.
import { TEST_DATABASE_MODES } from '@faceledger/db/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, type AuthHeaders } from '../../../test/auth-helpers.js';
import { useTestServer, type TestServer } from '../../../test/test-server.js';

const SIGHTINGS = `query ($cameraId: ID, $identityId: ID, $clusterId: ID) {
  sightings(cameraId: $cameraId, identityId: $identityId, clusterId: $clusterId) { edges { node { id } } pageInfo { hasNextPage } }
}`;
const ALERTS = `query ($cameraId: ID) { alerts(cameraId: $cameraId) { edges { node { id } } pageInfo { hasNextPage } } }`;

const NOT_UUIDS: Array<[string, string]> = [
  ['not-a-uuid', 'not-a-uuid'],
  ['a UUID with letters past f', `${'0'.repeat(8)}-zzzz-0000-0000-${'0'.repeat(12)}`],
  ['a number', '12345'],
  ['10,000 characters', 'x'.repeat(10_000)],
];

describe.each(TEST_DATABASE_MODES)('sightings and alerts filtered by an id that is no UUID (%s)', (mode) => {
  let server: TestServer;
  let admin: AuthHeaders;
  useTestServer(mode, (started) => (server = started));
  beforeAll(async () => {
    admin = await adminHeaders(server);
  });

  it.each(NOT_UUIDS)('answers an empty page for %s', async (_label, id) => {
    for (const filter of ['cameraId', 'identityId', 'clusterId']) {
      const body = await server.graphql(SIGHTINGS, { [filter]: id }, admin);
      expect(body.errors, filter).toBeUndefined();
      expect(body.data).toEqual({ sightings: { edges: [], pageInfo: { hasNextPage: false } } });
    }
    const alerts = await server.graphql(ALERTS, { cameraId: id }, admin);
    expect(alerts.errors).toBeUndefined();
    expect(alerts.data).toEqual({ alerts: { edges: [], pageInfo: { hasNextPage: false } } });
  });
});
