// The embedder engine the server was started with (FACELEDGER_EMBEDDER_RUNTIME, FACELEDGER_ONNX_*) reaches
// the engine, shows in /healthz and the health query, and enrolls and identifies real photos.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TEST_DATABASE_MODES, createTestDatabase } from '@faceledger/db/testing';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders } from '../../../test/auth-helpers.js';
import { addGallery, addIdentity } from '../../../test/graphql-helpers.js';
import { lfwInput } from '../../../test/test-data.js';
import { startTestServerOn, type TestServer } from '../../../test/test-server.js';
import { RecognitionRepository } from '../../infrastructure/recognition/recognition.repository.js';

const logger = pino({ level: process.env.LOG_LEVEL ?? 'silent' });
const ONNX_ENGINE = { runtime: 'ONNX', executionProvider: 'cpu', intraOpThreads: 1 };

describe.each(TEST_DATABASE_MODES)('embedder runtime setting, on %s', (mode) => {
  let server: TestServer;
  let cacheDir: string;
  let admin: Record<string, string>;

  beforeAll(async () => {
    cacheDir = await mkdtemp(path.join(tmpdir(), 'faceledger-onnx-cache-'));
    const db = await createTestDatabase(mode, logger);
    const recognition = new RecognitionRepository({ enabled: true, backend: 'wasm', workers: 1, runtime: { embedder: 'onnx', onnx: { intraOpThreads: 1, cacheDir } } }, logger);
    server = await startTestServerOn(db, recognition);
    admin = await adminHeaders(server);
  });

  afterAll(async () => {
    await server?.close();
    await rm(cacheDir, { recursive: true, force: true });
  });

  it('runs the default model on ONNX Runtime, says so in /healthz and health, and caches the built graph', async () => {
    expect((await server.recognition.whenSettled()).state).toBe('READY');
    const healthz = (await (await fetch(`${server.url}/healthz`)).json()) as { recognition: { defaultModel: string; embedder: unknown } };
    expect(healthz.recognition).toMatchObject({ defaultModel: 'faceapi-resnet128', embedder: ONNX_ENGINE });
    const query = await server.graphql<{ health: { recognition: { embedder: unknown } } }>('{ health { recognition { embedder { runtime executionProvider intraOpThreads } } } }');
    expect(query.errors).toBeUndefined();
    expect(query.data!.health.recognition.embedder).toEqual(ONNX_ENGINE);
    expect((await readdir(cacheDir)).filter((f) => f.endsWith('.onnx'))).toHaveLength(1);
  });

  it('enrolls two LFW people and identifies a third photo of one of them', async () => {
    const galleryId = await addGallery(server, { name: 'ONNX engine' }, admin);
    const ids: Record<string, string> = {};
    for (const person of ['Abdullah_Gul', 'AJ_Cook']) {
      ids[person] = await addIdentity(server, { galleryId, externalId: person, displayName: person }, admin);
      const enrolled = await server.graphql<{ enrollFace: { __typename: string } }>(
        'mutation E($id: ID!, $image: ImageInput!) { enrollFace(identityId: $id, image: $image) { __typename } }',
        { id: ids[person], image: await lfwInput(person, 1) },
        admin,
      );
      expect(enrolled.errors).toBeUndefined();
      expect(enrolled.data!.enrollFace.__typename).toBe('Enrolled');
    }
    const identified = await server.graphql<{ identify: { faces: Array<{ decision: string; candidates: Array<{ identity: { id: string } }> }> } }>(
      'mutation I($galleryId: ID!, $image: ImageInput!) { identify(galleryId: $galleryId, image: $image) { faces { decision candidates { identity { id } } } } }',
      { galleryId, image: await lfwInput('Abdullah_Gul', 2) },
      admin,
    );
    expect(identified.errors).toBeUndefined();
    const face = identified.data!.identify.faces[0]!;
    expect(face.decision).toBe('MATCH');
    expect(face.candidates[0]!.identity.id).toBe(ids.Abdullah_Gul);
  });
});
