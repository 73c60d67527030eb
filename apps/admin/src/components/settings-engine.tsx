'use client';

// Settings > Engine: the recognition backend, worker pool and default model in use (from health),
// every embedding model (shipped and the operator's, with why one was refused), and which model and
// threshold each gallery uses.
import Link from 'next/link';
import { useGalleries } from '../queries/galleries';
import { useHealth } from '../queries/health';

type Health = NonNullable<ReturnType<typeof useHealth>['data']>['health'];
type EmbeddingModel = Health['recognition']['models'][number];

const REFUSALS: Record<NonNullable<EmbeddingModel['refusal']>, string> = {
  BAD_MANIFEST: 'Bad manifest',
  DUPLICATE_ID: 'Duplicate id',
  MISSING_FILE: 'Missing file',
  CHECKSUM_MISMATCH: 'Checksum mismatch',
  UNREADABLE_MODEL: 'Unreadable model',
  INPUT_SHAPE_MISMATCH: 'Wrong input shape',
  TENSOR_TYPE_MISMATCH: 'Not float32',
  OUTPUT_SHAPE_MISMATCH: 'Wrong output size',
};

/** Every embedding model the engine knows: shipped ones and the operator's (FACELEDGER_MODELS_DIR), refused ones with the reason. */
function EmbeddingModels({ models, modelsDirError }: { models: EmbeddingModel[]; modelsDirError: string | null }) {
  return (
    <>
      <h3>Embedding models</h3>
      {modelsDirError && (
        <p role="alert" className="error">
          {modelsDirError}
        </p>
      )}
      {models.length === 0 && <p className="muted">The models are listed once the engine has loaded.</p>}
      {models.length > 0 && (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">
              Embedding models shipped with FaceLedger and brought by the operator, with their state
            </caption>
            <thead>
              <tr>
                <th scope="col">Model</th>
                <th scope="col">Source</th>
                <th scope="col">State</th>
                <th scope="col">Input</th>
                <th scope="col" className="num">
                  Dimensions
                </th>
                <th scope="col" className="num">
                  Pair threshold
                </th>
              </tr>
            </thead>
            {models.map((m) => (
              <tbody key={`${m.source}:${m.manifest ?? m.id}`}>
                <tr>
                  <th scope="row">
                    <code className="nowrap">{m.id}</code>
                    {m.manifest && <div className="hint">{m.manifest}</div>}
                  </th>
                  <td>{m.source === 'SHIPPED' ? 'Shipped' : 'Operator'}</td>
                  <td>
                    <span className={m.state === 'REGISTERED' ? 'badge badge-ok' : 'badge badge-bad'}>
                      {m.state === 'REGISTERED' ? 'Registered' : `Refused: ${m.refusal ? REFUSALS[m.refusal] : 'unknown'}`}
                    </span>
                  </td>
                  <td>
                    {m.inputSize === null ? '—' : `${m.inputSize} px, ${m.alignment === 'dlib-chip' ? 'dlib chip' : 'ArcFace'}`}
                  </td>
                  <td className="num">{m.dims ?? '—'}</td>
                  <td className="num">{m.pairThreshold === null ? '—' : m.pairThreshold.toFixed(3)}</td>
                </tr>
                <tr>
                  <td colSpan={6} className="model-detail">
                    {m.state === 'REFUSED' ? (
                      <span className="error">{m.error}</span>
                    ) : (
                      <span className="hint">
                        Version {m.version}. Licence: {m.licence}
                      </span>
                    )}
                  </td>
                </tr>
              </tbody>
            ))}
          </table>
        </div>
      )}
      <p className="hint">
        An operator adds a model by putting its ONNX file and a JSON manifest in the folder FACELEDGER_MODELS_DIR names,
        then restarting the server; see &quot;Operator models&quot; in packages/recognition/README.md.
      </p>
    </>
  );
}

/** ONNX Runtime's intra-op threads as the engine settings show them. */
function threadsLabel(threads: number | null): string {
  return threads === 0 ? 'all cores per inference' : `${threads ?? 1} thread(s) per worker`;
}

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
          <dt>Embedding engine</dt>
          <dd>
            {recognition.embedder
              ? recognition.embedder.runtime === 'ONNX'
                ? `ONNX Runtime (${recognition.embedder.executionProvider ?? 'cpu'}, ${threadsLabel(recognition.embedder.intraOpThreads)})`
                : 'TensorFlow.js'
              : '—'}
          </dd>
          <dt>Server</dt>
          <dd>
            {server.version}, {server.database === 'PGLITE' ? 'embedded PGlite' : 'PostgreSQL'}
          </dd>
        </dl>
      )}
      <p className="hint">
        Backend, workers, the embedding engine (FACELEDGER_EMBEDDER_RUNTIME, FACELEDGER_ONNX_*) and the
        default model are set where the server starts (its environment), not here.
      </p>
      <EmbeddingModels models={recognition?.models ?? []} modelsDirError={recognition?.modelsDirError ?? null} />
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
