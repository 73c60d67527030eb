import { TEST_DATABASE_MODES } from '@faceledger/db/testing';
import { describe, expect, it } from 'vitest';
import { useTestServer, type TestServer } from '../../../test/test-server.js';

describe.each(TEST_DATABASE_MODES)('health over HTTP on %s', (mode) => {
  let server: TestServer;
  useTestServer(mode, (started) => (server = started));

  it('answers the health query with the database mode and applied migrations', async () => {
    const body = await server.graphql<{
      health: { ok: boolean; database: string; migrations: { applied: number; total: number } };
    }>('{ health { ok database migrations { applied total } } }');
    expect(body.errors).toBeUndefined();
    expect(body.data?.health.ok).toBe(true);
    expect(body.data?.health.database).toBe(mode === 'pglite' ? 'PGLITE' : 'POSTGRES');
    expect(body.data?.health.migrations.applied).toBe(body.data?.health.migrations.total);
    expect(body.data?.health.migrations.total).toBeGreaterThan(0);
  });

  it('serves GET /healthz, reporting a disabled engine as FAILED with the reason', async () => {
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    const health = (await response.json()) as { recognition: { state: string; error: string }; mqtt: unknown };
    expect(health.recognition.state).toBe('FAILED');
    expect(health.recognition.error).toMatch(/disabled/);
    expect(health.mqtt).toEqual({ state: 'DISABLED', lastErrorCode: null, published: 0, dropped: 0 });
  });

  it('answers health.mqtt in the query: DISABLED when no broker is set', async () => {
    const body = await server.graphql<{ health: { mqtt: { state: string; lastErrorCode: string | null } } }>(
      '{ health { mqtt { state lastErrorCode } } }',
    );
    expect(body.errors).toBeUndefined();
    expect(body.data?.health.mqtt).toEqual({ state: 'DISABLED', lastErrorCode: null });
  });

  it('answers malformed GraphQL with a typed parse error, not a crash', async () => {
    const body = await server.graphql('{ health { ok ');
    expect(body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    const again = await server.graphql('{ health { ok } }');
    expect(again.data).toEqual({ health: { ok: true } });
  });
});
