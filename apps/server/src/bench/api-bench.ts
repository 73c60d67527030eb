// `npm run bench:api`: what an integrator sees. Starts the built server (dist/main.js) on a fresh
// embedded database, enrolls one LFW photo of each of N people through GraphQL with an API key, then
// sends identify requests for other photos of the same people (and of people never enrolled) over
// HTTP, C at a time, and reports end-to-end latency percentiles, requests per second, the server's
// own latencyMs and how many answers were right. Prints a summary and writes
// bench/results/api-<people>-t<threshold>.json.
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Command } from 'commander';
import { percentile } from './percentile.js';
import { signInBenchAdmin, startBuiltServer, SERVER_ROOT } from './built-server.js';

const REPO_ROOT = path.resolve(SERVER_ROOT, '../..');
const out = (line: string): void => void process.stdout.write(`${line}\n`);
const progress = (line: string): void => void process.stderr.write(`${line}\n`);

interface Options {
  people: number;
  requests: number;
  concurrency: number;
  workers?: number;
  databaseUrl?: string;
  threshold: number;
  images: string;
  out: string;
}

interface Probe {
  file: string;
  /** Identity id the answer should name; null for someone never enrolled. */
  expected: string | null;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** A GraphQL client for one server and one credential (cookie or API key). */
function graphqlClient(url: string, headers: Record<string, string>) {
  return async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
    if (body.errors?.length || !body.data)
      throw new Error(`GraphQL: ${body.errors?.[0]?.message ?? response.status}`);
    return body.data;
  };
}

/** People with at least two photos (one to enroll, one to probe), then people with one (never enrolled). */
async function choosePeople(
  imagesDir: string,
  count: number,
): Promise<{ enrolled: string[][]; strangers: string[] }> {
  const enrolled: string[][] = [];
  const strangers: string[] = [];
  for (const person of (await readdir(imagesDir)).sort()) {
    const files = (await readdir(path.join(imagesDir, person)))
      .sort()
      .map((f) => path.join(imagesDir, person, f));
    if (files.length >= 2 && enrolled.length < count) enrolled.push(files);
    else if (files.length === 1 && strangers.length < count) strangers.push(files[0] as string);
    if (enrolled.length >= count && strangers.length >= count) break;
  }
  return { enrolled, strangers };
}

async function run(o: Options): Promise<void> {
  const port = await freePort();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'faceledger-api-bench-'));
  progress(`starting the server on :${port} (data in ${dataDir})`);
  const server = await startBuiltServer({
    dataDir,
    port,
    databaseUrl: o.databaseUrl,
    env: {
      FACELEDGER_API_KEY_RATE_LIMIT: '0',
      ...(o.workers ? { FACELEDGER_RECOGNITION_WORKERS: String(o.workers) } : {}),
    },
    isReady: async (r) =>
      ((await r.json()) as { recognition?: { state?: string } }).recognition?.state === 'READY',
    waitSeconds: 300,
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    const asAdmin = graphqlClient(url, await signInBenchAdmin(url));
    const { createGallery } = await asAdmin<{ createGallery: { id: string } }>(
      'mutation ($input: CreateGalleryInput!) { createGallery(input: $input) { id } }',
      // The bench's --threshold is the identify threshold it measures (an override of the calibrated one).
      { input: { name: 'API bench', matchThreshold: o.threshold, identifyThresholdOverride: o.threshold } },
    );
    const galleryId = createGallery.id;
    const { createApiKey } = await asAdmin<{ createApiKey: { secret: string } }>(
      'mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }',
      { input: { name: 'api bench', scopes: ['identify', 'enroll', 'read'], galleryId } },
    );
    const api = graphqlClient(url, { authorization: `Bearer ${createApiKey.secret}` });

    const { enrolled, strangers } = await choosePeople(o.images, o.people);
    progress(`enrolling ${enrolled.length} people, one photo each`);
    const probes: Probe[] = [];
    for (const [i, files] of enrolled.entries()) {
      const name = path.basename(path.dirname(files[0] as string));
      const { createIdentity } = await api<{ createIdentity: { id: string } }>(
        'mutation ($input: CreateIdentityInput!) { createIdentity(input: $input) { id } }',
        { input: { galleryId, externalId: `bench-${i}`, displayName: name.replaceAll('_', ' ') } },
      );
      const { enrollFace } = await api<{ enrollFace: { __typename: string } }>(
        'mutation ($id: ID!, $image: ImageInput!) { enrollFace(identityId: $id, image: $image) { __typename } }',
        { id: createIdentity.id, image: { base64: (await readFile(files[0] as string)).toString('base64') } },
      );
      if (enrollFace.__typename === 'Enrolled')
        for (const file of files.slice(1)) probes.push({ file, expected: createIdentity.id });
    }
    for (const file of strangers) probes.push({ file, expected: null });

    const work = Array.from({ length: o.requests }, (_, i) => probes[(i * 7919) % probes.length] as Probe);
    const bodies = new Map<string, string>();
    for (const p of work)
      if (!bodies.has(p.file)) bodies.set(p.file, (await readFile(p.file)).toString('base64'));
    const identify =
      'mutation ($g: ID!, $image: ImageInput!) { identify(galleryId: $g, image: $image) { latencyMs faces { decision identity { id } } } }';
    // warm-up: one request per worker thread
    for (let i = 0; i < Math.max(2, o.workers ?? 2); i++)
      await api(identify, { g: galleryId, image: { base64: bodies.get((work[i] as Probe).file) } });

    progress(`${work.length} identify requests, ${o.concurrency} at a time`);
    const latencies: number[] = [];
    const serverLatencies: number[] = [];
    const outcomes = { right: 0, missed: 0, wrongPerson: 0, strangerMatched: 0 };
    let next = 0;
    const started = performance.now();
    const client = async (): Promise<void> => {
      while (next < work.length) {
        const probe = work[next++] as Probe;
        const t0 = performance.now();
        const { identify: result } = await api<{
          identify: { latencyMs: number; faces: { decision: string; identity: { id: string } | null }[] };
        }>(identify, {
          g: galleryId,
          image: { base64: bodies.get(probe.file) },
        });
        latencies.push(performance.now() - t0);
        serverLatencies.push(result.latencyMs);
        const answer = result.faces[0];
        const named = answer?.decision === 'MATCH' ? (answer.identity?.id ?? null) : null;
        if (named === probe.expected) outcomes.right++;
        else if (probe.expected === null) outcomes.strangerMatched++;
        else if (named === null) outcomes.missed++;
        else outcomes.wrongPerson++;
      }
    };
    await Promise.all(Array.from({ length: o.concurrency }, client));
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    serverLatencies.sort((a, b) => a - b);
    const report = {
      people: enrolled.length,
      threshold: o.threshold,
      requests: work.length,
      concurrency: o.concurrency,
      workers: o.workers ?? 'cores',
      requestsPerSecond: Math.round((work.length / seconds) * 100) / 100,
      latencyMs: {
        p50: percentile(latencies, 50),
        p95: percentile(latencies, 95),
        p99: percentile(latencies, 99),
      },
      serverLatencyMs: { p50: percentile(serverLatencies, 50), p95: percentile(serverLatencies, 95) },
      correct: outcomes.right / work.length,
      outcomes,
      database: o.databaseUrl ? 'postgres' : 'pglite',
    };
    const round = (v: number): number => Math.round(v * 10) / 10;
    out(
      `identify over HTTP: ${report.requests} requests, ${report.concurrency} at a time, gallery of ${report.people} people, threshold ${report.threshold}`,
    );
    out(
      `  ${report.requestsPerSecond} requests/s; latency p50 ${round(report.latencyMs.p50)} ms, p95 ${round(report.latencyMs.p95)} ms, p99 ${round(report.latencyMs.p99)} ms`,
    );
    out(
      `  server latencyMs p50 ${report.serverLatencyMs.p50}, p95 ${report.serverLatencyMs.p95}; right answers ${(report.correct * 100).toFixed(1)}% (MATCH of the person, or no MATCH for a stranger)`,
    );
    await mkdir(o.out, { recursive: true });
    const file = path.join(o.out, `api-${report.people}-t${o.threshold}.json`);
    await writeFile(file, JSON.stringify(report, null, 2) + '\n');
    progress(`wrote ${file}`);
  } finally {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
    await rm(dataDir, { recursive: true, force: true });
  }
}

const program = new Command('bench:api')
  .description('identify over HTTP against the built server, end to end')
  .option('--people <n>', 'people to enroll', (v) => Number.parseInt(v, 10), 50)
  .option('--requests <n>', 'identify requests to time', (v) => Number.parseInt(v, 10), 200)
  .option('--concurrency <n>', 'requests in flight', (v) => Number.parseInt(v, 10), 4)
  .option('--workers <n>', 'recognition worker threads (default: cores)', (v) => Number.parseInt(v, 10))
  .option(
    '--threshold <cosine>',
    "the gallery's match threshold (default: the default model's LFW pair threshold)",
    Number.parseFloat,
    0.911,
  )
  .option(
    '--database-url <url>',
    'a PostgreSQL with pgvector (an empty database) instead of the embedded one',
  )
  .option('--images <dir>', 'LFW images directory', path.resolve(REPO_ROOT, '../shared/data/lfw/images'))
  .option('--out <dir>', 'where the JSON goes', path.join(REPO_ROOT, 'bench/results'))
  .action(async (o: Options) => {
    try {
      await run(o);
    } catch (error) {
      progress(`error: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    }
  });
await program.parseAsync(process.argv);
