'use client';

// Settings > Engine: the recognition backend, worker pool and default model in use (from health),
// and which model and threshold each gallery uses.
import Link from 'next/link';
import { useGalleries } from '../queries/galleries';
import { useHealth } from '../queries/health';

export function SettingsEngine() {
  const health = useHealth();
  const galleries = useGalleries();
  const server = health.data?.health;
  const recognition = server?.recognition;
  return (
    <section className="settings-section" aria-labelledby="settings-engine-title">
      <h2 id="settings-engine-title">Recognition engine</h2>
      {health.isPending && <p role="status">Asking the server…</p>}
      {health.error && (
        <p role="alert" className="error">
          {health.error.message}
        </p>
      )}
      {server && recognition && (
        <dl className="facts">
          <dt>State</dt>
          <dd>
            <span
              className={
                recognition.state === 'READY'
                  ? 'badge badge-ok'
                  : recognition.state === 'FAILED'
                    ? 'badge badge-bad'
                    : 'badge badge-warn'
              }
            >
              {recognition.state === 'READY'
                ? 'Ready'
                : recognition.state === 'FAILED'
                  ? 'Failed'
                  : 'Loading'}
            </span>
            {recognition.error && <span className="error"> {recognition.error}</span>}
          </dd>
          <dt>Backend</dt>
          <dd>{recognition.backend ?? '—'}</dd>
          <dt>Workers</dt>
          <dd>{recognition.workers ?? '—'}</dd>
          <dt>Default model</dt>
          <dd>{recognition.defaultModel ? <code>{recognition.defaultModel}</code> : '—'}</dd>
          <dt>Server</dt>
          <dd>
            {server.version}, {server.database === 'PGLITE' ? 'embedded PGlite' : 'PostgreSQL'}
          </dd>
        </dl>
      )}
      <p className="hint">
        Backend, workers and the default model are set where the server starts (its environment), not here.
      </p>
      <h3>Models per gallery</h3>
      {galleries.error && (
        <p role="alert" className="error">
          {galleries.error.message}
        </p>
      )}
      {galleries.data?.length === 0 && <p className="muted">No gallery yet.</p>}
      {galleries.data && galleries.data.length > 0 && (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Embedding model and threshold of each gallery</caption>
            <thead>
              <tr>
                <th scope="col">Gallery</th>
                <th scope="col">Model</th>
                <th scope="col" className="num">
                  Threshold
                </th>
              </tr>
            </thead>
            <tbody>
              {galleries.data.map((g) => (
                <tr key={g.id}>
                  <th scope="row">
                    <Link href={`/galleries/${g.id}`}>{g.name}</Link>
                  </th>
                  <td>
                    <code>{g.embeddingModelId}</code>
                  </td>
                  <td className="num">{g.matchThreshold.toFixed(2)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
