// The server answers its health on both doors, on the throw-away PGlite the global setup gave it.
import { expect, test } from '../../support/fixtures.js';
import type { HealthReport } from '../../support/stack.js';

test('GET /healthz answers ok on the embedded PGlite with every migration applied', async ({ request }) => {
  const response = await request.get('/healthz');

  expect(response.status()).toBe(200);
  expect(response.headers()['content-type']).toContain('application/json');
  const health = (await response.json()) as HealthReport;
  expect(health).toMatchObject({ ok: true, database: 'PGLITE' });
  expect(health.migrations.total).toBeGreaterThan(0);
  expect(health.migrations.applied).toBe(health.migrations.total);
});

test('the health query answers ok with PGLITE', async ({ graphql }) => {
  const { status, data, errors } = await graphql<{
    health: { ok: boolean; database: string; migrations: { applied: number; total: number } };
  }>('{ health { ok database migrations { applied total } } }');

  expect(status).toBe(200);
  expect(errors).toBeUndefined();
  expect(data?.health).toMatchObject({ ok: true, database: 'PGLITE' });
  expect(data?.health.migrations.total).toBeGreaterThan(0);
  expect(data?.health.migrations.applied).toBe(data?.health.migrations.total);
});

test('health reports the recognition engine the suite started', async ({ request, stack }) => {
  const health = (await (await request.get('/healthz')).json()) as HealthReport;

  if (stack.recognition === 'READY') {
    expect(health.recognition).toMatchObject({ state: 'READY', workers: 1, error: null });
  } else {
    // Disabled (package not built) or failed to load: the API says so with a reason.
    expect(health.recognition.state).toBe('FAILED');
    expect(health.recognition.error).toBeTruthy();
  }
});

test('the admin forwards /graphql to the server it was started with', async ({ request, stack }) => {
  const response = await request.post(`${stack.adminUrl}/graphql`, {
    data: { query: '{ health { ok database } }' },
  });

  expect(response.status()).toBe(200);
  expect(await response.json()).toEqual({ data: { health: { ok: true, database: 'PGLITE' } } });
});
