// The system under test: the real API server (embedded PGlite in a fresh temporary folder) and the
// built admin (`next start`) pointed at it, each on a free loopback port.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { findFreePort, startProcess, waitForHttp, type ManagedProcess } from './processes.js';
import { LOGS_DIR, REPO_ROOT } from './paths.js';
import { E2E_ADMIN } from './seed.js';

/** The part of GET /healthz the suite reads. */
export interface HealthReport {
  ok: boolean;
  database: 'PGLITE' | 'POSTGRES';
  migrations: { applied: number; total: number; latest: string | null };
  recognition: { state: 'LOADING' | 'READY' | 'FAILED'; workers: number | null; error: string | null };
  backgroundTasks: Array<{ name: string; everySeconds: number; lastError: string | null }>;
}

/** What the tests need to know about the running stack. */
export interface StackInfo {
  apiUrl: string;
  adminUrl: string;
  dataDir: string;
  /** READY, FAILED (with the reason in the server log) or DISABLED (the package is not built). */
  recognition: 'READY' | 'FAILED' | 'DISABLED';
}

/** A running stack and how to stop it. */
export interface Stack extends StackInfo {
  stop(): Promise<void>;
}

const SERVER_DIR = path.join(REPO_ROOT, 'apps/server');
const ADMIN_DIR = path.join(REPO_ROOT, 'apps/admin');

/** Slow first start: PGlite's initdb and the migrations on a fresh folder take 10-20 s on 2 cores. */
const SERVER_START_MS = 120_000;
const ADMIN_START_MS = 60_000;
const RECOGNITION_LOAD_MS = 120_000;

function log(message: string): void {
  process.stderr.write(`[e2e] ${message}\n`);
}

/** How a child may end after SIGTERM and still count as a clean stop (`next start` exits 143 = 128 + SIGTERM). */
const CLEAN_EXITS = new Set(['code 0', 'code 143', 'SIGTERM']);

/** Inherited variables the children must not see. */
const DROPPED_ENV = new Set([
  'DATABASE_URL', // the suite runs on a throw-away PGlite, never on a configured PostgreSQL
  'NODE_OPTIONS', // Playwright puts its TypeScript loader here
  'NODE_ENV', // next start sets its own
  'PORT',
]);

/** The runner's environment without settings that would point the children elsewhere. */
function inheritedEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (DROPPED_ENV.has(key) || key.startsWith('FACELEDGER_')) continue;
    env[key] = value;
  }
  return env;
}

function requireBuilt(file: string, what: string, build: string): void {
  if (!existsSync(file)) {
    throw new Error(`${what} is not built (${file} is missing). Run \`${build}\` first.`);
  }
}

/** Whether the server can load @faceledger/recognition (resolved the way the server resolves it). */
function isRecognitionBuilt(): boolean {
  try {
    const entry = createRequire(path.join(SERVER_DIR, 'package.json')).resolve('@faceledger/recognition');
    return existsSync(entry);
  } catch {
    return false;
  }
}

async function readHealth(response: Response): Promise<HealthReport | undefined> {
  if (!response.headers.get('content-type')?.includes('application/json')) return undefined;
  return (await response.json()) as HealthReport;
}

export async function startStack(): Promise<Stack> {
  const serverMain = path.join(SERVER_DIR, 'dist/main.js');
  requireBuilt(serverMain, 'The server', 'npm run build -w @faceledger/server');
  requireBuilt(path.join(ADMIN_DIR, '.next/BUILD_ID'), 'The admin', 'npm run build -w @faceledger/admin');
  const nextBin = createRequire(path.join(ADMIN_DIR, 'package.json')).resolve('next/dist/bin/next');

  const recognitionBuilt = isRecognitionBuilt();
  if (!recognitionBuilt) {
    log('@faceledger/recognition is not built: starting the server with recognition disabled.');
  }

  await mkdir(LOGS_DIR, { recursive: true });
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'faceledger-e2e-'));
  const started: ManagedProcess[] = [];
  const stop = async () => {
    // The admin first (it only forwards), then the server, which closes the engine and PGlite.
    for (const processInfo of started.reverse()) {
      const startedStopping = Date.now();
      const exit = await processInfo.stop();
      const seconds = ((Date.now() - startedStopping) / 1000).toFixed(1);
      // A clean stop is part of the product (Ctrl-C stops both cleanly): say when it was not.
      if (!CLEAN_EXITS.has(exit)) {
        log(
          `the ${processInfo.name} did not stop cleanly on SIGTERM: ${exit} after ${seconds} s (see ${processInfo.logFile})`,
        );
      }
    }
    started.length = 0;
    if (process.env.E2E_KEEP_DATA) log(`kept the data folder ${dataDir}`);
    else await rm(dataDir, { recursive: true, force: true });
  };

  try {
    const apiPort = await findFreePort();
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    const server = startProcess({
      name: 'server',
      command: process.execPath,
      args: [serverMain],
      cwd: SERVER_DIR,
      env: {
        ...inheritedEnv(),
        FACELEDGER_DATA_DIR: dataDir,
        FACELEDGER_HOST: '127.0.0.1',
        FACELEDGER_PORT: String(apiPort),
        FACELEDGER_LOG_LEVEL: 'info',
        FACELEDGER_RECOGNITION_ENABLED: String(recognitionBuilt),
        FACELEDGER_RECOGNITION_WORKERS: '1',
        // The webhook journey's receiver listens on 127.0.0.1, which webhooks may not reach by default.
        FACELEDGER_WEBHOOK_ALLOWED_NETWORKS: '127.0.0.1/32',
        // The first admin, created at start on the empty database; support/seed.ts signs in with it.
        FACELEDGER_ADMIN_EMAIL: E2E_ADMIN.email,
        FACELEDGER_ADMIN_PASSWORD: E2E_ADMIN.password,
      },
      logFile: path.join(LOGS_DIR, 'server.log'),
    });
    started.push(server);

    const adminPort = await findFreePort();
    const adminUrl = `http://127.0.0.1:${adminPort}`;
    // Started at once: `next start` needs no API to come up, so both boot in parallel.
    const admin = startProcess({
      name: 'admin',
      command: process.execPath,
      args: [nextBin, 'start', '--hostname', '127.0.0.1', '--port', String(adminPort)],
      cwd: ADMIN_DIR,
      env: { ...inheritedEnv(), NEXT_TELEMETRY_DISABLED: '1', FACELEDGER_API_URL: apiUrl },
      logFile: path.join(LOGS_DIR, 'admin.log'),
    });
    started.push(admin);

    const health = await waitForHttp(server, `${apiUrl}/healthz`, readHealth, SERVER_START_MS);
    log(
      `server ready at ${apiUrl} (${health.database}, ${health.migrations.applied} of ${health.migrations.total} migrations)`,
    );

    await waitForHttp(admin, `${adminUrl}/`, async (r) => (r.ok ? true : undefined), ADMIN_START_MS);
    log(`admin ready at ${adminUrl}`);

    let recognition: StackInfo['recognition'] = 'DISABLED';
    if (recognitionBuilt) {
      const settled = await waitForHttp(
        server,
        `${apiUrl}/healthz`,
        async (r) => {
          const report = await readHealth(r);
          return report && report.recognition.state !== 'LOADING' ? report : undefined;
        },
        RECOGNITION_LOAD_MS,
      );
      recognition = settled.recognition.state === 'READY' ? 'READY' : 'FAILED';
      if (recognition === 'FAILED')
        log(`the recognition engine failed to start: ${settled.recognition.error}`);
      else log(`recognition engine ready (${settled.recognition.workers} worker)`);
    }

    return { apiUrl, adminUrl, dataDir, recognition, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
