// The built FaceLedger server (apps/server/dist/main.js) as an integrator meets it: a child process
// on a free loopback port and a throw-away data folder (embedded PGlite), with a first admin,
// waited for until the recognition engine is READY. The client imports nothing of the server.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** LFW photos and the deepface set: ../shared/data beside the repository, or FACELEDGER_TEST_DATA. */
export const TEST_DATA_DIR = process.env.FACELEDGER_TEST_DATA ?? path.resolve(REPO_ROOT, '../shared/data');

/** Path of an LFW image, e.g. lfwImage('Colin_Powell', 1). */
export function lfwImage(name: string, n: number): string {
  return path.join(TEST_DATA_DIR, 'lfw/images', name, `${name}_${String(n).padStart(4, '0')}.jpg`);
}

/** The first admin of the server. */
export const ADMIN = { email: 'client-admin@faceledger.test', password: 'client-admin-password' };

export interface BuiltServer {
  url: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

async function isReady(url: string): Promise<boolean> {
  const res = await fetch(`${url}/healthz`).catch(() => null);
  if (!res?.ok) return false;
  const health = (await res.json()) as { recognition?: { state?: string } };
  if (health.recognition?.state === 'FAILED') throw new Error('the recognition engine failed to load');
  return health.recognition?.state === 'READY';
}

/** Starts dist/main.js and resolves once it answers READY; fails when it exits first or after `waitSeconds`. */
export async function startBuiltServer(waitSeconds = 240): Promise<BuiltServer> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'faceledger-client-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(process.execPath, [path.join(REPO_ROOT, 'apps/server/dist/main.js')], {
    env: {
      ...process.env,
      DATABASE_URL: '',
      FACELEDGER_DATA_DIR: dataDir,
      FACELEDGER_HOST: '127.0.0.1',
      FACELEDGER_PORT: String(port),
      FACELEDGER_LOG_LEVEL: 'warn',
      FACELEDGER_RECOGNITION_WORKERS: '1',
      FACELEDGER_ADMIN_EMAIL: ADMIN.email,
      FACELEDGER_ADMIN_PASSWORD: ADMIN.password,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    await rm(dataDir, { recursive: true, force: true });
  };
  for (let tries = waitSeconds * 4; tries > 0; tries -= 1) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`the server exited with ${child.exitCode}; build it first (npx turbo run build)`);
    }
    if (await isReady(url)) return { url, stop };
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await stop();
  throw new Error(`the server was not ready within ${waitSeconds} s`);
}
