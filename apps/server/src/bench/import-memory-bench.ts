// `node apps/server/dist/bench/import-memory-bench.js [--database-url …]`: the memory an upload
// costs the server. For each case it starts the built server (dist/main.js, recognition off) on a
// fresh data folder and measures its peak RSS (VmHWM, reset through /proc/<pid>/clear_refs once the
// server is idle) while it
//   1. refuses three parallel anonymous 200 MiB POSTs to /api/imports (answered before the body),
//   2. accepts the largest import the limits allow: a CSV and a zip whose named photos unpack to
//      100 MiB (zeros: a 0.1 MB zip, the shape of a zip bomb),
//   3. the same 100 MiB as incompressible photos (a 100 MiB zip), and
//   4. half and a quarter of it (incompressible), to see whether the peak follows the import's size.
// Prints a table and writes bench/results/imports-<mode>.json (repository root). PostgreSQL's own
// memory is not the server's and is not counted; PGlite runs inside the server and is.
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import net, { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { Command } from 'commander';
import pg from 'pg';
import { signInBenchAdmin, startBuiltServer, SERVER_ROOT } from './built-server.js';

const REPO_ROOT = path.resolve(SERVER_ROOT, '../..');
const MiB = 1024 * 1024;
const out = (line: string): void => void process.stdout.write(`${line}\n`);
const progress = (line: string): void => void process.stderr.write(`${line}\n`);

/** The largest import the limits allow: kept photos up to 100 MiB, each at most 10 MiB. */
const MAX_KEPT_BYTES = 100 * MiB;
const MAX_PHOTO_BYTES = 10 * MiB;

interface CaseResult {
  name: string;
  status: number[];
  requestBytes: number;
  seconds: number;
  rssBeforeMiB: number;
  peakRssMiB: number;
  peakDeltaMiB: number;
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

async function procStatus(pid: number, field: 'VmRSS' | 'VmHWM'): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

/** Resets the peak RSS of `pid` to its current RSS (Linux: clear_refs 5). */
async function resetPeak(pid: number): Promise<void> {
  await writeFile(`/proc/${pid}/clear_refs`, '5');
}

async function graphql<T>(
  url: string,
  headers: Record<string, string>,
  query: string,
  variables = {},
): Promise<T> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: Array<{ message: string }> };
  if (!body.data) throw new Error(`GraphQL: ${body.errors?.[0]?.message ?? response.status}`);
  return body.data;
}

/** A zip (stored or deflated) of `sizes.length` photos named p<i>.jpg, written to `file` entry by entry. */
async function writeZip(file: string, sizes: readonly number[], compressible: boolean): Promise<void> {
  const { crc32, deflateRawSync } = await import('node:zlib');
  const { open } = await import('node:fs/promises');
  const handle = await open(file, 'w');
  const centrals: Buffer[] = [];
  let offset = 0;
  const zeros = new Map<number, { data: Buffer; crc: number }>();
  for (const [i, size] of sizes.entries()) {
    const name = Buffer.from(`photos/p${i}.jpg`);
    let data: Buffer;
    let crc: number;
    if (compressible) {
      const known = zeros.get(size) ?? {
        data: deflateRawSync(Buffer.alloc(size), { level: 9 }),
        crc: crc32(Buffer.alloc(size)),
      };
      zeros.set(size, known);
      ({ data, crc } = known);
    } else {
      data = randomBytes(size);
      crc = crc32(data);
    }
    const method = compressible ? 8 : 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    await handle.write(Buffer.concat([local, name, data]));
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += 30 + name.length + data.length;
  }
  const centralBytes = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(sizes.length, 8);
  end.writeUInt16LE(sizes.length, 10);
  end.writeUInt32LE(centralBytes.length, 12);
  end.writeUInt32LE(offset, 16);
  await handle.write(Buffer.concat([centralBytes, end]));
  await handle.close();
}

/** POSTs galleryId, the CSV and the zip file as multipart, streaming the zip from disk. */
async function postImport(
  url: string,
  headers: Record<string, string>,
  galleryId: string,
  csv: string,
  zipFile: string,
): Promise<{ status: number; bytes: number }> {
  const boundary = 'benchboundary';
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="galleryId"\r\n\r\n${galleryId}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="csv"; filename="people.csv"\r\nContent-Type: text/csv\r\n\r\n${csv}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="archive"; filename="photos.zip"\r\nContent-Type: application/zip\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const zipBytes = (await stat(zipFile)).size;
  async function* body(): AsyncGenerator<Buffer> {
    yield head;
    for await (const chunk of createReadStream(zipFile)) yield chunk as Buffer;
    yield tail;
  }
  const length = head.length + zipBytes + tail.length;
  const response = await fetch(`${url}/api/imports`, {
    method: 'POST',
    headers: {
      ...headers,
      'content-type': `multipart/form-data; boundary=${boundary}`,
      'content-length': String(length),
    },
    body: Readable.from(body()),
    duplex: 'half',
  } as RequestInit);
  if (response.status !== 202) progress(`  import answered ${response.status}: ${await response.text()}`);
  else await response.arrayBuffer();
  return { status: response.status, bytes: length };
}

/** An anonymous multipart POST announcing `bytes`, sent until the server answers; returns the status. */
function anonymousPost(url: string, bytes: number): Promise<number> {
  const { port, hostname } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), hostname);
    let sent = 0;
    let answer = '';
    const chunk = Buffer.alloc(64 * 1024);
    const pump = (): void => {
      while (answer === '' && sent < bytes && !socket.destroyed) {
        sent += chunk.length;
        if (!socket.write(chunk)) {
          socket.once('drain', pump);
          return;
        }
      }
    };
    socket.on('connect', () => {
      socket.write(
        `POST /api/imports HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: ${bytes}\r\n\r\n`,
      );
      pump();
    });
    socket.on('data', (data: Buffer) => {
      answer += data.toString('latin1');
      socket.destroy();
      resolve(Number(answer.split(' ')[1]));
    });
    socket.on('error', () => resolve(Number(answer.split(' ')[1] ?? 0)));
  });
}

async function measure(
  pid: number,
  name: string,
  run: () => Promise<{ status: number[]; bytes: number }>,
): Promise<CaseResult> {
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  await resetPeak(pid);
  const rssBefore = await procStatus(pid, 'VmRSS');
  const started = performance.now();
  const { status, bytes } = await run();
  const seconds = (performance.now() - started) / 1000;
  const peak = await procStatus(pid, 'VmHWM');
  return {
    name,
    status,
    requestBytes: bytes,
    seconds: Number(seconds.toFixed(1)),
    rssBeforeMiB: Math.round(rssBefore),
    peakRssMiB: Math.round(peak),
    peakDeltaMiB: Math.round(peak - rssBefore),
  };
}

/** A new database beside the one `url` names, for one case; drop() removes it. */
async function freshDatabase(url: string, index: number): Promise<{ url: string; drop(): Promise<void> }> {
  const base = new URL(url);
  const name = `${base.pathname.slice(1) || 'faceledger'}_bench_${index}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}"`);
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const caseUrl = new URL(url);
  caseUrl.pathname = `/${name}`;
  return {
    url: caseUrl.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.end();
    },
  };
}

async function main(): Promise<void> {
  const program = new Command()
    .option('--database-url <url>', 'a PostgreSQL to run against (default: the embedded PGlite)')
    .option('--out <dir>', 'where to write the JSON', path.join(REPO_ROOT, 'bench/results'))
    .parse();
  const options = program.opts<{ databaseUrl?: string; out: string }>();
  const mode = options.databaseUrl ? 'postgres' : 'pglite';
  const results: CaseResult[] = [];

  /** Runs one case on a freshly started server, so every case starts from the same idle process. */
  const onFreshServer = async (
    name: string,
    run: (
      url: string,
      admin: Record<string, string>,
      galleryId: string,
    ) => Promise<{ status: number[]; bytes: number }>,
  ): Promise<void> => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'faceledger-import-bench-'));
    const port = await freePort();
    progress(`case: ${name} (server on ${mode}, ${dataDir})`);
    // A fresh PostgreSQL database too: jobs left QUEUED by an earlier case would run in this one.
    const database = options.databaseUrl ? await freshDatabase(options.databaseUrl, results.length) : null;
    const server = await startBuiltServer({
      dataDir,
      port,
      databaseUrl: database?.url,
      env: { FACELEDGER_RECOGNITION_ENABLED: 'false' },
      isReady: async (r) => r.status < 500,
      waitSeconds: 150,
    });
    try {
      const url = `http://127.0.0.1:${port}`;
      const admin = await signInBenchAdmin(url);
      const { createGallery } = await graphql<{ createGallery: { id: string } }>(
        url,
        admin,
        'mutation ($input: CreateGalleryInput!) { createGallery(input: $input) { id } }',
        { input: { name: `bench-${Date.now()}` } },
      );
      results.push(await measure(server.pid ?? 0, name, () => run(url, admin, createGallery.id)));
    } finally {
      server.kill('SIGTERM');
      await new Promise((resolve) => server.once('exit', resolve));
      await rm(dataDir, { recursive: true, force: true });
      await database?.drop();
    }
  };

  await onFreshServer('three anonymous 200 MiB POSTs to /api/imports', async (url) => ({
    status: await Promise.all([0, 1, 2].map(() => anonymousPost(url, 200 * MiB))),
    bytes: 3 * 200 * MiB,
  }));

  const zipDir = await mkdtemp(path.join(tmpdir(), 'faceledger-import-bench-zips-'));
  try {
    const cases = [
      { kept: MAX_KEPT_BYTES, compressible: true },
      { kept: MAX_KEPT_BYTES, compressible: false },
      { kept: MAX_KEPT_BYTES / 2, compressible: false },
      { kept: MAX_KEPT_BYTES / 4, compressible: false },
    ];
    for (const { kept, compressible } of cases) {
      const count = Math.ceil(kept / MAX_PHOTO_BYTES);
      const sizes = Array.from({ length: count }, (_, i) =>
        i < count - 1 ? MAX_PHOTO_BYTES : kept - (count - 1) * MAX_PHOTO_BYTES,
      );
      const csv = ['externalId,name,photo', ...sizes.map((_, i) => `B${i},Bench ${i},p${i}.jpg`)].join('\n');
      const zipFile = path.join(zipDir, 'photos.zip');
      await writeZip(zipFile, sizes, compressible);
      const zipMiB = ((await stat(zipFile)).size / MiB).toFixed(1);
      const name = `${count} photos, ${kept / MiB} MiB unpacked, ${compressible ? 'zeros' : 'random bytes'} (zip ${zipMiB} MiB)`;
      await onFreshServer(name, async (url, admin, galleryId) => {
        const answer = await postImport(url, admin, galleryId, csv, zipFile);
        return { status: [answer.status], bytes: answer.bytes };
      });
      await rm(zipFile, { force: true });
    }
  } finally {
    await rm(zipDir, { recursive: true, force: true });
  }

  out(`\nPOST /api/imports memory on ${mode} (server RSS; a fresh server for each case, peak = VmHWM)\n`);
  out('| case | status | request MiB | s | RSS before MiB | peak RSS MiB | peak - before MiB |');
  out('|---|---|---|---|---|---|---|');
  for (const r of results) {
    out(
      `| ${r.name} | ${r.status.join(', ')} | ${(r.requestBytes / MiB).toFixed(1)} | ${r.seconds} | ${r.rssBeforeMiB} | ${r.peakRssMiB} | ${r.peakDeltaMiB} |`,
    );
  }
  await mkdir(options.out, { recursive: true });
  const file = path.join(options.out, `imports-${mode}.json`);
  await writeFile(file, `${JSON.stringify({ mode, node: process.version, results }, null, 2)}\n`);
  out(`\nwrote ${file}`);
}

main().catch((error: unknown) => {
  progress(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
