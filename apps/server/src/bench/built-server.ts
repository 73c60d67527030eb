// The built server (dist/main.js) as the benches run it: a child process on its own data folder and
// port with a first admin, waited for until ready, and that admin's session cookie.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** apps/server, whose dist/ the benches start. */
export const SERVER_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The first admin every bench server is started with. */
export const BENCH_ADMIN = { email: 'bench@faceledger.test', password: 'bench-password-1234' };

/** How a bench starts the server: where, which database, extra settings, and what "ready" means. */
export interface BuiltServerOptions {
  dataDir: string;
  port: number;
  /** A PostgreSQL URL, or undefined for the embedded PGlite. */
  databaseUrl: string | undefined;
  /** More environment (FACELEDGER_* settings). */
  env: Record<string, string>;
  /** Whether the /healthz answer says the server is ready for this bench. */
  isReady: (response: Response) => Promise<boolean>;
  /** How long to wait for it, in seconds. */
  waitSeconds: number;
}

/** Starts dist/main.js and resolves once `isReady`; throws if it exits or the wait runs out. */
export async function startBuiltServer(o: BuiltServerOptions): Promise<ChildProcess> {
  const child = spawn(process.execPath, [path.join(SERVER_ROOT, 'dist/main.js')], {
    env: {
      ...process.env,
      FACELEDGER_DATA_DIR: o.dataDir,
      FACELEDGER_PORT: String(o.port),
      FACELEDGER_HOST: '127.0.0.1',
      FACELEDGER_LOG_LEVEL: 'warn',
      FACELEDGER_ADMIN_EMAIL: BENCH_ADMIN.email,
      FACELEDGER_ADMIN_PASSWORD: BENCH_ADMIN.password,
      // the embedded database unless databaseUrl names a PostgreSQL
      DATABASE_URL: o.databaseUrl ?? '',
      ...o.env,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${o.port}`;
  const deadline = Date.now() + o.waitSeconds * 1000;
  while (Date.now() < deadline) {
    const ready = await fetch(`${url}/healthz`).then(o.isReady, () => false);
    if (ready) return child;
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  child.kill('SIGTERM');
  throw new Error(`the server was not ready within ${o.waitSeconds} s`);
}

/** Signs the bench admin in and returns the session cookie as a Cookie header. */
export async function signInBenchAdmin(url: string): Promise<Record<string, string>> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      query:
        'mutation ($email: String!, $password: String!) { signIn(email: $email, password: $password) { id } }',
      variables: BENCH_ADMIN,
    }),
  });
  const cookie = response.headers
    .getSetCookie()
    .map((h) => h.split(';')[0] ?? '')
    .find((pair) => pair.startsWith('faceledger_session='));
  if (!cookie) throw new Error('signIn answered without a session cookie');
  return { cookie };
}
