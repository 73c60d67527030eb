// Starts the real HTTP server on a throw-away database (PGlite or PostgreSQL) on a free port, for
// integration tests over HTTP. The recognition engine is off unless a test asks for it.
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DatabaseMode } from '@faceledger/db';
import { createTestDatabase, type TestDatabase } from '@faceledger/db/testing';
import { pino } from 'pino';
import { afterAll, beforeAll } from 'vitest';
import { createApp } from '../src/app.js';
import { FileImageStore } from '../src/infrastructure/image-store/file-image-store.js';
import { RecognitionRepository } from '../src/infrastructure/recognition/recognition.repository.js';
import { DEFAULT_AUTH_SETTINGS, type AuthSettings } from '../src/modules/auth/auth-settings.js';
import type { Services } from '../src/graphql/context.js';
import { createServices } from '../src/services.js';

export interface TestServer {
  url: string;
  db: TestDatabase;
  imageStore: FileImageStore;
  recognition: RecognitionRepository;
  /** The server's services, for tests that drive what no HTTP call reaches (the webhook worker's deliverDue). */
  services: Services;
  /** POSTs a GraphQL operation and returns the parsed body. */
  graphql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<{ data?: T; errors?: Array<{ message: string; extensions?: { code?: string } }> }>;
  close(): Promise<void>;
}

export async function startTestServer(
  mode: DatabaseMode,
  options: {
    recognition?: boolean;
    auth?: Partial<AuthSettings>;
    /** FACELEDGER_WEBHOOK_ALLOWED_NETWORKS; loopback by default, where the tests' receivers listen. */
    webhookAllowedNetworks?: string[];
    /** FACELEDGER_FFMPEG_PATH; ffmpeg on PATH by default. */
    ffmpegPath?: string;
  } = {},
): Promise<TestServer> {
  const logger = pino({ level: process.env.LOG_LEVEL ?? 'silent' });
  const db = await createTestDatabase(mode, logger);
  const recognition = new RecognitionRepository(
    { enabled: options.recognition ?? false, backend: 'wasm', workers: 1 },
    logger,
  );
  return startTestServerOn(db, recognition, options);
}

/**
 * The same on a database and an engine the test made (an engine with a crashing worker, a database
 * behind a proxy the test can close); close() closes and drops them as startTestServer's own.
 */
export async function startTestServerOn(
  db: TestDatabase,
  recognition: RecognitionRepository,
  options: { auth?: Partial<AuthSettings>; webhookAllowedNetworks?: string[]; ffmpegPath?: string } = {},
): Promise<TestServer> {
  const logger = pino({ level: process.env.LOG_LEVEL ?? 'silent' });
  const dataDir = await mkdtemp(path.join(tmpdir(), 'faceledger-server-'));
  const imageStore = new FileImageStore(path.join(dataDir, 'images'));
  const services = createServices({
    db,
    imageStore,
    recognition,
    logger,
    version: 'test',
    auth: { ...DEFAULT_AUTH_SETTINGS, ...options.auth },
    webhookAllowedNetworks: options.webhookAllowedNetworks ?? ['127.0.0.1/32'],
    ffmpegPath: options.ffmpegPath,
  });
  const app = await createApp({
    services,
    logger,
    maxBodyBytes: 15 * 1024 * 1024,
  });
  await new Promise<void>((resolve) => app.httpServer.listen(0, '127.0.0.1', resolve));
  const { port } = app.httpServer.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    db,
    imageStore,
    recognition,
    services,
    async graphql(query, variables, headers = {}) {
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return response.json() as never;
    },
    async close() {
      await app.stop();
      await new Promise((resolve) => app.httpServer.close(resolve));
      await recognition.close();
      await db.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** What startTestServer can be asked for. */
export type TestServerOptions = NonNullable<Parameters<typeof startTestServer>[1]>;

/**
 * Starts a test server before the tests of the describe block that calls it (with `recognition`,
 * once the engine is READY) and closes it after them; `use` receives it:
 * `let server: TestServer; useTestServer(mode, (started) => (server = started));`
 */
export function useTestServer(
  mode: DatabaseMode,
  use: (server: TestServer) => void,
  options: TestServerOptions = {},
): void {
  let server: TestServer | undefined;
  beforeAll(async () => {
    server = await startTestServer(mode, options);
    use(server);
    if (options.recognition) {
      const { state, error } = await server.recognition.whenSettled();
      if (state !== 'READY') throw new Error(`The recognition engine did not load: ${error ?? state}`);
    }
  });
  afterAll(async () => {
    await server?.close();
  });
}
