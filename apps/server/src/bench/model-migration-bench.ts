// `npm run bench:migration`: what a model migration costs. Starts the built server (dist/main.js) on
// a fresh embedded database, enrolls the first photo of N LFW people, identifies their second photos
// (the baseline), migrates the gallery to --target and times the re-embedding (faces per second),
// identifies the same photos in shadow mode (each probe analysed with both models), switches and
// identifies them with the target, and rolls back. Prints a summary and writes
// bench/results/model-migration-<target>-<people>.json.
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
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
  target: string;
  port: number;
  images: string;
  out: string;
}

type Gql = <T>(query: string, variables?: Record<string, unknown>) => Promise<T>;

function graphqlClient(url: string, headers: Record<string, string>): Gql {
  return async <T>(query: string, variables: Record<string, unknown> = {}) => {
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: T; errors?: Array<{ message: string }> };
    if (body.errors?.length) throw new Error(body.errors[0]?.message);
    return body.data as T;
  };
}

/** One identify pass over the probes: end-to-end and server latencies, answers right. */
interface Pass {
  modelId: string;
  e2eMs: { p50: number; p95: number };
  serverLatencyMs: { p50: number };
  rightMatches: number;
  probes: number;
}

async function identifyAll(
  gql: Gql,
  galleryId: string,
  probes: ReadonlyArray<{ file: string; expected: string }>,
): Promise<Pass> {
  const e2e: number[] = [];
  const server: number[] = [];
  let right = 0;
  let modelId = '';
  for (const probe of probes) {
    const image = { base64: (await readFile(probe.file)).toString('base64') };
    const started = performance.now();
    const { identify } = await gql<{
      identify: {
        modelId: string;
        latencyMs: number;
        faces: Array<{ decision: string; identity: { id: string } | null }>;
      };
    }>(
      'mutation ($g: ID!, $image: ImageInput!) { identify(galleryId: $g, image: $image) { modelId latencyMs faces { decision identity { id } } } }',
      { g: galleryId, image },
    );
    e2e.push(performance.now() - started);
    server.push(identify.latencyMs);
    modelId = identify.modelId;
    if (identify.faces.some((f) => f.decision === 'MATCH' && f.identity?.id === probe.expected)) right += 1;
  }
  e2e.sort((a, b) => a - b);
  server.sort((a, b) => a - b);
  const round = (v: number) => Math.round(v);
  return {
    modelId,
    e2eMs: { p50: round(percentile(e2e, 50)), p95: round(percentile(e2e, 95)) },
    serverLatencyMs: { p50: round(percentile(server, 50)) },
    rightMatches: right,
    probes: probes.length,
  };
}

async function run(o: Options): Promise<void> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'faceledger-migration-bench-'));
  progress(`starting the server on :${o.port} (data in ${dataDir})`);
  const child = await startBuiltServer({
    dataDir,
    port: o.port,
    databaseUrl: undefined,
    env: { FACELEDGER_API_KEY_RATE_LIMIT: '0' },
    isReady: async (r) =>
      ((await r.json()) as { recognition?: { state?: string } }).recognition?.state === 'READY',
    waitSeconds: 300,
  });
  const url = `http://127.0.0.1:${o.port}`;
  try {
    const gql = graphqlClient(url, await signInBenchAdmin(url));
    const { createGallery } = await gql<{ createGallery: { id: string } }>(
      'mutation ($input: CreateGalleryInput!) { createGallery(input: $input) { id } }',
      { input: { name: 'Migration bench' } },
    );
    const galleryId = createGallery.id;
    const probes: Array<{ file: string; expected: string }> = [];
    progress(`enrolling ${o.people} people, one photo each`);
    for (const person of (await readdir(o.images)).sort()) {
      if (probes.length >= o.people) break;
      const files = (await readdir(path.join(o.images, person)))
        .sort()
        .map((f) => path.join(o.images, person, f));
      if (files.length < 2) continue;
      const { createIdentity } = await gql<{ createIdentity: { id: string } }>(
        'mutation ($input: CreateIdentityInput!) { createIdentity(input: $input) { id } }',
        { input: { galleryId, externalId: person, displayName: person.replaceAll('_', ' ') } },
      );
      const { enrollFace } = await gql<{ enrollFace: { __typename: string } }>(
        'mutation ($id: ID!, $image: ImageInput!) { enrollFace(identityId: $id, image: $image, face: { index: 0 }) { __typename } }',
        { id: createIdentity.id, image: { base64: (await readFile(files[0] as string)).toString('base64') } },
      );
      if (enrollFace.__typename === 'Enrolled')
        probes.push({ file: files[1] as string, expected: createIdentity.id });
    }

    progress('identify before the migration');
    const before = await identifyAll(gql, galleryId, probes);

    progress(`migrating to ${o.target}`);
    const started = performance.now();
    await gql(
      'mutation ($g: ID!, $m: String!) { startModelMigration(galleryId: $g, targetModelId: $m) { id } }',
      {
        g: galleryId,
        m: o.target,
      },
    );
    type State = {
      galleryModelMigration: {
        migration: {
          status: string;
          progress: { done: number; total: number };
          missingFaceCount: number;
          jobError: string | null;
        };
      };
    };
    let state: State;
    for (;;) {
      state = await gql<State>(
        'query ($g: ID!) { galleryModelMigration(galleryId: $g) { migration { status progress { done total } missingFaceCount jobError } } }',
        { g: galleryId },
      );
      if (state.galleryModelMigration.migration.status !== 'RE_EMBEDDING') break;
      if (state.galleryModelMigration.migration.jobError?.startsWith('The job stopped'))
        throw new Error(state.galleryModelMigration.migration.jobError);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const reEmbedSeconds = (performance.now() - started) / 1000;
    const migration = state.galleryModelMigration.migration;

    progress('identify in shadow mode');
    const shadow = await identifyAll(gql, galleryId, probes);
    const { galleryModelMigration } = await gql<{
      galleryModelMigration: {
        migration: { shadow: Record<string, number>; errorRates: Array<Record<string, unknown>> };
      };
    }>(
      'query ($g: ID!) { galleryModelMigration(galleryId: $g) { migration { shadow { probes sameDecision sameTopIdentity currentMatches targetMatches } errorRates { modelId threshold matedSearches nonMatedSearches fnir fpir } } } }',
      { g: galleryId },
    );
    await gql(
      'mutation ($g: ID!) { switchGalleryModel(galleryId: $g, acceptMissingFaces: true) { status } }',
      { g: galleryId },
    );
    progress('identify after the switch');
    const switched = await identifyAll(gql, galleryId, probes);
    await gql(
      'mutation ($g: ID!) { rollbackGalleryModel(galleryId: $g, acceptMissingFaces: true) { status } }',
      { g: galleryId },
    );

    const report = {
      target: o.target,
      people: probes.length,
      reEmbed: {
        faces: migration.progress.total,
        seconds: Math.round(reEmbedSeconds * 10) / 10,
        facesPerSecond: Math.round((migration.progress.total / reEmbedSeconds) * 10) / 10,
        missingFaces: migration.missingFaceCount,
      },
      identify: { before, shadow, switched },
      shadowAgreement: galleryModelMigration.migration.shadow,
      errorRates: galleryModelMigration.migration.errorRates,
    };
    out(
      `model migration of ${report.people} LFW people to ${o.target} (one photo each enrolled, the second searched)`,
    );
    out(
      `  re-embedding: ${report.reEmbed.faces} faces in ${report.reEmbed.seconds} s (${report.reEmbed.facesPerSecond} faces/s), ${report.reEmbed.missingFaces} missing`,
    );
    for (const [name, pass] of Object.entries(report.identify))
      out(
        `  identify ${name} (${pass.modelId}): p50 ${pass.e2eMs.p50} ms, p95 ${pass.e2eMs.p95} ms end to end (server latencyMs p50 ${pass.serverLatencyMs.p50}); MATCH right ${pass.rightMatches}/${pass.probes}`,
      );
    out(`  shadow agreement: ${JSON.stringify(report.shadowAgreement)}`);
    out(`  leave-one-out error rates: ${JSON.stringify(report.errorRates)}`);
    await mkdir(o.out, { recursive: true });
    const file = path.join(o.out, `model-migration-${o.target}-${report.people}.json`);
    await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
    out(`  wrote ${path.relative(REPO_ROOT, file)}`);
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    await rm(dataDir, { recursive: true, force: true });
  }
}

await new Command()
  .name('bench:migration')
  .description(
    'Times a model migration of a gallery of LFW people and identify before, in shadow mode and after the switch.',
  )
  .option('--people <n>', 'people to enroll', (v) => Number.parseInt(v, 10), 40)
  .option('--target <model>', 'the model to migrate to', 'human-mobileface')
  .option('--port <n>', 'the server port', (v) => Number.parseInt(v, 10), 4220)
  .option('--images <dir>', 'LFW images directory', path.resolve(REPO_ROOT, '../shared/data/lfw/images'))
  .option('--out <dir>', 'where the JSON goes', path.join(REPO_ROOT, 'bench/results'))
  .action((o: Options) => run(o))
  .parseAsync();
