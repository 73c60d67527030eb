import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The built server (npm run build -w @faceledger/server), started as an operator would start it.
const MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/main.js');

/** Runs dist/main.js with `env` over the test's environment until it exits; its exit code and stderr. */
function runServer(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN], {
      env: {
        ...process.env,
        DATABASE_URL: '',
        FACELEDGER_HOST: '127.0.0.1',
        FACELEDGER_RECOGNITION_ENABLED: 'false',
        FACELEDGER_LOG_LEVEL: 'silent',
        FACELEDGER_ADMIN_EMAIL: '',
        FACELEDGER_ADMIN_PASSWORD: '',
        ...env,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

/** A port nothing listens on (taken from the OS, then released). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('starting the built server with a wrong port', () => {
  let dataDir: string;
  let holder: net.Server;
  let busyPort: number;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'faceledger-main-'));
    holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    busyPort = (holder.address() as net.AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => holder?.close(resolve));
    await rm(dataDir, { recursive: true, force: true });
  });

  it('prints one line naming the port in use and exits non-zero when FACELEDGER_PORT is taken', async () => {
    const { code, stderr } = await runServer({ FACELEDGER_PORT: String(busyPort), FACELEDGER_DATA_DIR: dataDir });
    expect(code).not.toBe(0);
    expect(code).not.toBeNull();
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toBe(
      `FaceLedger cannot start: 127.0.0.1:${busyPort} is already in use by another process; stop that process or set FACELEDGER_PORT to a free port.`,
    );
  });

  it('prints one line naming DATABASE_URL and exits non-zero when the database port is closed', async () => {
    const port = await closedPort();
    const { code, stderr } = await runServer({
      DATABASE_URL: `postgresql://postgres:secret-password@127.0.0.1:${port}/faceledger`,
      FACELEDGER_PORT: String(await closedPort()),
      FACELEDGER_DATA_DIR: dataDir,
    });
    expect(code).not.toBe(0);
    expect(code).not.toBeNull();
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(`^FaceLedger cannot start: the database faceledger at 127\\.0\\.0\\.1:${port} \\(DATABASE_URL\\) .*ECONNREFUSED.*check DATABASE_URL`),
    );
    expect(stderr).not.toContain('secret-password');
  });
});
