// `npm run bench:identify`: how fast and how exact 1:N search is at gallery scale.
// Fills a gallery with N realistic templates (real LFW embeddings from the recognition engine,
// mixed and perturbed with noise), then times the search identify runs (MatchingRepository.
// searchGallery: HNSW in the index's own expression, ef_search and iterative scan as in production)
// and compares its top-1 with exact search. Prints a table and writes bench/results/identify-<mode>-<n>.json.
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Command, Option } from 'commander';
import { openDatabase, type DatabaseMode } from '@faceledger/db';
import { createTestDatabaseLocation } from '@faceledger/db/testing';
import { createEngine, pickSubjectFace } from '@faceledger/recognition';
import { DEFAULT_EF_SEARCH, MatchingRepository } from '../modules/matching/matching.repository.js';
import pg from 'pg';
import { pino } from 'pino';
import { percentile } from './percentile.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const out = (line: string): void => void process.stdout.write(`${line}\n`);
const progress = (line: string): void => void process.stderr.write(`${line}\n`);

interface Options {
  mode: DatabaseMode;
  size?: number;
  probes: number;
  bases: number;
  images: string;
  out: string;
  keep: boolean;
  efSearch: string;
  indexParams?: string;
}

/** Deterministic PRNG (mulberry32) so two runs build the same gallery. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
}

function normalise(v: Float32Array): Float32Array {
  let n = 0;
  for (const x of v) n += x * x;
  const k = 1 / Math.sqrt(n || 1);
  return v.map((x) => x * k);
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** Embeds one photo each of `count` LFW people (cached in bench/results, so reruns are quick). */
async function lfwEmbeddings(imagesDir: string, count: number, cacheDir: string): Promise<{ model: string; vectors: Float32Array[] }> {
  const cacheFile = path.join(cacheDir, `lfw-embeddings-${count}.json`);
  const cached = await readFile(cacheFile, 'utf8').catch(() => null);
  if (cached) {
    const parsed = JSON.parse(cached) as { model: string; vectors: number[][] };
    return { model: parsed.model, vectors: parsed.vectors.map((v) => Float32Array.from(v)) };
  }
  const people = (await readdir(imagesDir)).sort();
  const engine = await createEngine({ spoof: { enabled: false } });
  const vectors: Float32Array[] = [];
  try {
    for (const person of people) {
      if (vectors.length >= count) break;
      const file = path.join(imagesDir, person, `${person}_0001.jpg`);
      const face = pickSubjectFace(await engine.analyze(await readFile(file)));
      if (face?.embedding) vectors.push(face.embedding);
      if (vectors.length % 50 === 0) progress(`embedded ${vectors.length}/${count} LFW photos`);
    }
    const model = engine.info().defaultModel;
    await mkdir(cacheDir, { recursive: true });
    await writeFile(cacheFile, JSON.stringify({ model, vectors: vectors.map((v) => Array.from(v)) }));
    return { model, vectors };
  } finally {
    await engine.close();
  }
}

async function run(o: Options): Promise<void> {
  const size = o.size ?? (o.mode === 'postgres' ? 100_000 : 10_000);
  const resultsDir = path.resolve(o.out);
  const { model, vectors: bases } = await lfwEmbeddings(path.resolve(o.images), o.bases, resultsDir);
  const dims = bases[0]?.length ?? 0;
  if (dims === 0) throw new Error('No LFW embeddings; check --images.');
  const rand = random(42);
  const noisy = (v: Float32Array, sigma: number): Float32Array =>
    normalise(v.map((x) => x + (sigma / Math.sqrt(dims)) * gaussian(rand)));
  // Synthetic identities: a real embedding, a second one mixed in, plus noise, so templates spread
  // like real faces instead of clustering on a few hundred points.
  const templates: Float32Array[] = [];
  for (let i = 0; i < size; i++) {
    const a = bases[Math.floor(rand() * bases.length)]!;
    const b = bases[Math.floor(rand() * bases.length)]!;
    templates.push(noisy(normalise(a.map((x, k) => x + 0.6 * b[k]!)), 0.5));
  }

  const location = await createTestDatabaseLocation(o.mode);
  const logger = pino({ level: 'warn' });
  const db = await openDatabase({ databaseUrl: location.databaseUrl, pgliteDir: location.pgliteDir, logger });
  const client = new pg.Client({ connectionString: db.connectionString });
  try {
    await db.prisma.$disconnect(); // PGlite serves one connection: the fill uses its own client.
    await client.connect();
    const galleryId = randomUUID();
    await client.query(
      `INSERT INTO galleries (id, name, match_threshold, embedding_model_id, updated_at) VALUES ($1, 'bench', 0.5, $2, now())`,
      [galleryId, model],
    );
    const fillStarted = performance.now();
    const batch = 1000;
    for (let start = 0; start < size; start += batch) {
      const ids: string[] = [];
      const embeddings: string[] = [];
      for (let i = start; i < Math.min(size, start + batch); i++) {
        ids.push(randomUUID());
        embeddings.push(`[${Array.from(templates[i]!).join(',')}]`);
      }
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO identities (id, gallery_id, external_id, display_name, updated_at)
         SELECT id, $1, id::text, 'bench', now() FROM unnest($2::uuid[]) AS t(id)`,
        [galleryId, ids],
      );
      await client.query(
        `INSERT INTO faces (id, identity_id, image_key, box, landmarks, quality, model_id, embedding)
         SELECT gen_random_uuid(), t.id, 'bench', '{}', '[]', '{}', $1, t.e::vector
         FROM unnest($2::uuid[], $3::text[]) AS t(id, e)`,
        [model, ids, embeddings],
      );
      await client.query('COMMIT');
      if ((start / batch) % 10 === 0) progress(`inserted ${Math.min(size, start + batch)}/${size} templates`);
    }
    const fillSeconds = (performance.now() - fillStarted) / 1000;
    // What autovacuum would do after a bulk load: without fresh statistics the planner thinks the
    // gallery is empty and walks it row by row instead of using the HNSW index.
    if (o.indexParams) {
      // Try other HNSW build settings: rebuild this width's index WITH (...) before measuring.
      const started = performance.now();
      await client.query(`DROP INDEX IF EXISTS faces_embedding_${dims}_hnsw`);
      await client.query(
        `CREATE INDEX faces_embedding_${dims}_hnsw ON faces USING hnsw ((embedding::vector(${dims})) vector_cosine_ops) WITH (${o.indexParams}) WHERE vector_dims(embedding) = ${dims}`,
      );
      progress(`rebuilt the HNSW index WITH (${o.indexParams}) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
    await client.query('ANALYZE identities');
    await client.query('ANALYZE faces');

    // Probes: a stored template seen again with fresh noise (a new photo of an enrolled person).
    const probes = Array.from({ length: o.probes }, () => {
      const target = Math.floor(rand() * size);
      return { target, vector: noisy(templates[target]!, 0.35) };
    });
    const exactTop1 = probes.map((p) => {
      let best = -1;
      let bestScore = -Infinity;
      for (let i = 0; i < templates.length; i++) {
        const s = dot(p.vector, templates[i]!);
        if (s > bestScore) [best, bestScore] = [i, s];
      }
      return best;
    });
    // The search goes through Prisma like the API; PGlite serves one connection at a time.
    await client.end();
    await db.prisma.$connect();
    const idOfTemplate = new Map<string, number>();
    const rows = await db.prisma.$queryRawUnsafe<Array<{ id: string; embedding: string }>>(
      `SELECT id::text AS id, embedding::text AS embedding FROM faces`,
    );
    const indexOfVector = new Map(templates.map((t, i) => [Array.from(t).join(','), i]));
    for (const row of rows) {
      const key = row.embedding
        .slice(1, -1)
        .split(',')
        .map((x) => Math.fround(Number(x)))
        .join(',');
      const index = indexOfVector.get(key);
      if (index !== undefined) idOfTemplate.set(row.id, index);
    }

    const topK = 5;
    const runs = [];
    for (const efSearch of o.efSearch.split(',').map(Number)) {
      const matching = new MatchingRepository(db.prisma, efSearch);
      const search = (embedding: Float32Array) =>
        matching.searchGallery({ galleryId, modelId: model, embedding, dims, limit: topK * 10, activeOnly: true });
      for (const probe of probes.slice(0, 10)) await search(probe.vector); // warm-up
      const latencies: number[] = [];
      let hits = 0;
      for (const [i, probe] of probes.entries()) {
        const started = performance.now();
        const result = await search(probe.vector);
        latencies.push(performance.now() - started);
        const top = result[0] ? idOfTemplate.get(result[0].faceId) : undefined;
        if (top === exactTop1[i]) hits++;
      }
      latencies.sort((a, b) => a - b);
      runs.push({
        efSearch,
        topK,
        limit: topK * 10,
        p50Ms: percentile(latencies, 50),
        p95Ms: percentile(latencies, 95),
        recallAt1: hits / probes.length,
      });
    }
    const plan = await db.prisma.$queryRawUnsafe<Array<{ 'QUERY PLAN': string }>>(
      `EXPLAIN SELECT f.id FROM faces f JOIN identities i ON i.id = f.identity_id
       WHERE vector_dims(f.embedding) = ${dims} AND i.gallery_id = '${galleryId}'
       ORDER BY f.embedding::vector(${dims}) <=> '${`[${Array.from(probes[0]!.vector).join(',')}]`}'::vector(${dims}) LIMIT 50`,
    );
    const usesIndex = plan.some((r) => r['QUERY PLAN'].includes(`faces_embedding_${dims}_hnsw`));
    const report = { mode: o.mode, size, dims, model, probes: o.probes, fillSeconds, indexParams: o.indexParams ?? 'as migrated (m = 32, ef_construction = 200)', usesIndex, runs };
    out(`identify benchmark: ${o.mode}, ${size} templates of ${dims}-d (${model}), ${o.probes} probes, fill ${fillSeconds.toFixed(1)} s, HNSW index used: ${usesIndex}`);
    out('ef_search  top-k  faces read  p50 ms  p95 ms  recall@1');
    for (const r of runs) {
      out(
        `${String(r.efSearch).padStart(9)}  ${String(r.topK).padStart(5)}  ${String(r.limit).padStart(10)}  ${r.p50Ms.toFixed(2).padStart(6)}  ${r.p95Ms.toFixed(2).padStart(6)}  ${r.recallAt1.toFixed(3).padStart(8)}`,
      );
    }
    await mkdir(resultsDir, { recursive: true });
    const file = path.join(resultsDir, `identify-${o.mode}-${size}.json`);
    await writeFile(file, JSON.stringify(report, null, 2));
    out(`wrote ${file}`);
  } finally {
    await client.end().catch(() => undefined);
    await db.close();
    if (o.keep) progress(`kept the database: ${location.databaseUrl ?? location.pgliteDir}`);
    else await location.remove();
  }
}

const program = new Command('bench-identify')
  .addOption(new Option('--mode <mode>', 'database').choices(['pglite', 'postgres']).default('pglite'))
  .option('--size <n>', 'templates in the gallery (default 10000 on pglite, 100000 on postgres)', Number)
  .option('--probes <n>', 'search probes', Number, 200)
  .option('--bases <n>', 'real LFW embeddings the templates are made from', Number, 300)
  .option('--images <dir>', 'LFW images', path.resolve(REPO_ROOT, '../shared/data/lfw/images'))
  .option('--out <dir>', 'results folder', path.resolve(REPO_ROOT, 'bench/results'))
  .option('--keep', 'keep the filled database (to inspect plans)', false)
  .option('--index-params <sql>', 'rebuild the HNSW index WITH these parameters, e.g. "m = 32, ef_construction = 200"')
  .option('--ef-search <list>', 'smallest hnsw.ef_search values to compare (the API uses DEFAULT_EF_SEARCH)', String(DEFAULT_EF_SEARCH))
  .action((o: Options) => run(o));
await program.parseAsync();
