'use client';

import { useHealth } from '../queries/health';

function Badge({ ok, children }: { ok: boolean; children: React.ReactNode }) {
  return <span className={ok ? 'badge badge-ok' : 'badge badge-bad'}>{children}</span>;
}

export default function StatusPage() {
  const { data, error, isPending } = useHealth();
  return (
    <section aria-labelledby="status-title">
      <h1 id="status-title">Service status</h1>
      {isPending && <p role="status">Checking the server…</p>}
      {error && (
        <p role="alert" className="error">
          {error.message}
        </p>
      )}
      {data && (
        <dl className="facts" data-testid="health">
          <dt>Overall</dt>
          <dd>
            <Badge ok={data.health.ok}>{data.health.ok ? 'Ready' : 'Not ready'}</Badge>
          </dd>
          <dt>Database</dt>
          <dd>{data.health.database === 'PGLITE' ? 'Embedded PGlite' : 'PostgreSQL'}</dd>
          <dt>Migrations</dt>
          <dd>
            {data.health.migrations.applied} of {data.health.migrations.total} applied
            {data.health.migrations.latest ? ` (latest ${data.health.migrations.latest})` : ''}
          </dd>
          <dt>Recognition</dt>
          <dd>
            <Badge ok={data.health.recognition.state === 'READY'}>{data.health.recognition.state}</Badge>{' '}
            {data.health.recognition.backend &&
              `${data.health.recognition.backend}, ${data.health.recognition.workers} ${data.health.recognition.workers === 1 ? 'worker' : 'workers'}, model ${data.health.recognition.defaultModel}`}
            {data.health.recognition.error && <span className="error"> {data.health.recognition.error}</span>}
          </dd>
          <dt>MQTT</dt>
          <dd>
            {data.health.mqtt.state === 'DISABLED' ? (
              'Off (FACELEDGER_MQTT_URL is not set)'
            ) : (
              <Badge ok={data.health.mqtt.state === 'CONNECTED'}>{data.health.mqtt.state}</Badge>
            )}
            {data.health.mqtt.lastErrorCode && <span className="error"> {data.health.mqtt.lastErrorCode}</span>}
          </dd>
          {data.health.backgroundTasks.length > 0 && (
            <>
              <dt>Background tasks</dt>
              <dd>
                <ul data-testid="background-tasks" style={{ listStyle: 'none', margin: 0, padding: 0 }}>
                  {data.health.backgroundTasks.map((task) => (
                    <li key={task.name}>
                      <Badge ok={task.lastError === null}>{task.name}</Badge> every {task.everySeconds} s
                      {task.running ? ', running' : task.lastFinishedAt ? `, last ${new Date(task.lastFinishedAt).toLocaleString()}` : ''}
                      {task.lastError && <span className="error"> {task.lastError}</span>}
                    </li>
                  ))}
                </ul>
              </dd>
            </>
          )}
          <dt>Version</dt>
          <dd>
            {data.health.version}, up {Math.round(data.health.uptimeSeconds)} s
          </dd>
        </dl>
      )}
    </section>
  );
}
