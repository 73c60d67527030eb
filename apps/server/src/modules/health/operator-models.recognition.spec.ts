// Operator models at server start (FACELEDGER_MODELS_DIR): a generated ONNX model is registered and
// used by a gallery; a wrong checksum, a wrong input shape and a missing file are each refused with
// their own reason in /healthz and the health query, and the server starts with the shipped model.
// The refusals' messages name the server's files: only an ADMIN's health query has them; /healthz and
// other callers get the id, state and refusal code.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TEST_DATABASE_MODES, createTestDatabase } from '@faceledger/db/testing';
import { writeOperatorModel } from '@faceledger/recognition/testing';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, createUserAndSignIn } from '../../../test/auth-helpers.js';
import { addGallery, addIdentity } from '../../../test/graphql-helpers.js';
import { lfwInput } from '../../../test/test-data.js';
import { startTestServerOn, type TestServer } from '../../../test/test-server.js';
import { RecognitionRepository } from '../../infrastructure/recognition/recognition.repository.js';

const logger = pino({ level: process.env.LOG_LEVEL ?? 'silent' });

interface ModelRow {
  id: string;
  source: string;
  state: string;
  refusal: string | null;
  error: string | null;
  manifest: string | null;
  dims: number | null;
}

const MODEL_FIELDS = 'id source state refusal error manifest dims';

/** A flat calibration: identify threshold 0.9 at every size and target (a generated model has no measured one). */
const FLAT_CALIBRATION = {
  data: 'none: a generated test model',
  measured: '2026-12-06',
  points: { '0.01': [[10, 0.9]], '0.003': [[10, 0.9]], '0.001': [[10, 0.9]] },
};

describe.each(TEST_DATABASE_MODES)('operator models at start, on %s', (mode) => {
  let server: TestServer;
  let dir: string;
  let admin: Record<string, string>;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'faceledger-models-'));
    await writeOperatorModel(dir, { id: 'tiny-onnx', dims: 48, manifest: { identifyCalibration: FLAT_CALIBRATION } });
    await writeOperatorModel(dir, { id: 'wrong-checksum', sha256: 'c'.repeat(64) });
    await writeOperatorModel(dir, { id: 'wrong-shape', networkInputSize: 96 });
    await writeOperatorModel(dir, { id: 'missing-file', omitFile: true });
    const db = await createTestDatabase(mode, logger);
    const recognition = new RecognitionRepository({ enabled: true, backend: 'wasm', workers: 1, modelsDir: dir }, logger);
    server = await startTestServerOn(db, recognition);
    admin = await adminHeaders(server);
  });

  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('starts with the shipped default and lists every model with its state and refusal in /healthz and health', async () => {
    const settled = await server.recognition.whenSettled();
    expect(settled.state).toBe('READY');
    expect(settled.info?.defaultModel).toBe('faceapi-resnet128');

    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    const text = await response.text();
    const healthz = JSON.parse(text) as { ok: boolean; recognition: { state: string; models: ModelRow[]; modelsDirError: string | null } };
    expect(healthz.ok).toBe(true);
    expect(healthz.recognition.modelsDirError).toBeNull();
    // Nobody signed in: no message, nothing naming the models folder or its manifests' contents.
    expect(text).not.toContain(dir);
    expect(text).not.toContain('c'.repeat(64));
    expect(healthz.recognition.models.every((m) => m.error === null)).toBe(true);
    const anonymous = await server.graphql<{ health: { recognition: { models: ModelRow[] } } }>(`{ health { recognition { models { ${MODEL_FIELDS} } } } }`);
    expect(anonymous.errors).toBeUndefined();
    expect(healthz.recognition.models).toEqual(anonymous.data!.health.recognition.models.map((m) => expect.objectContaining(m)));
    const reviewer = await server.graphql<{ health: { recognition: { models: ModelRow[] } } }>(
      `{ health { recognition { models { ${MODEL_FIELDS} } } } }`,
      {},
      await createUserAndSignIn(server, 'REVIEWER'),
    );
    expect(JSON.stringify(reviewer)).not.toContain(dir);
    expect(reviewer.data!.health.recognition.models.every((m) => m.error === null)).toBe(true);

    // An admin's health query has the precise reasons (they name the files to fix).
    const query = await server.graphql<{ health: { recognition: { models: ModelRow[] } } }>(`{ health { recognition { models { ${MODEL_FIELDS} } } } }`, {}, admin);
    expect(query.errors).toBeUndefined();
    const models = query.data!.health.recognition.models;
    expect(models.map((m) => [m.id, m.source, m.state, m.refusal, m.manifest])).toEqual(
      healthz.recognition.models.map((m) => [m.id, m.source, m.state, m.refusal, m.manifest]),
    );
    expect(JSON.stringify(query.data)).toContain(dir);

    expect(models.filter((m) => m.source === 'SHIPPED').map((m) => m.id)).toEqual(expect.arrayContaining(['faceapi-resnet128']));
    expect(models.filter((m) => m.source === 'SHIPPED').every((m) => m.state === 'REGISTERED')).toBe(true);
    const operator = Object.fromEntries(models.filter((m) => m.source === 'OPERATOR').map((m) => [m.id, m]));
    expect(Object.keys(operator).sort()).toEqual(['missing-file', 'tiny-onnx', 'wrong-checksum', 'wrong-shape']);
    expect(operator['tiny-onnx']).toMatchObject({ state: 'REGISTERED', refusal: null, error: null, manifest: 'tiny-onnx.json', dims: 48 });
    expect(operator['wrong-checksum']).toMatchObject({ state: 'REFUSED', refusal: 'CHECKSUM_MISMATCH', dims: null });
    expect(operator['wrong-checksum']!.error).toContain(`but wrong-checksum.json expects ${'c'.repeat(64)}`);
    expect(operator['wrong-shape']).toMatchObject({ state: 'REFUSED', refusal: 'INPUT_SHAPE_MISMATCH' });
    expect(operator['wrong-shape']!.error).toContain("declares input 'input' as ['batch', 3, 96, 96], but the manifest says NCHW [batch, 3, 112, 112]");
    expect(operator['missing-file']).toMatchObject({ state: 'REFUSED', refusal: 'MISSING_FILE' });
    expect(operator['missing-file']!.error).toContain(`${path.join(dir, 'missing-file.onnx')}, which does not exist`);
  });

  it('enrolls and identifies on real photos with the registered operator model, at the calibration its manifest brought', async () => {
    const galleryId = await addGallery(server, { name: 'Operator model', embeddingModelId: 'tiny-onnx' }, admin);
    const gallery = await server.graphql<{ gallery: { embeddingModelId: string; identifyThreshold: number; identifyThresholdSource: string } }>(
      'query G($id: ID!) { gallery(id: $id) { embeddingModelId identifyThreshold identifyThresholdSource } }',
      { id: galleryId },
      admin,
    );
    expect(gallery.data!.gallery).toEqual({ embeddingModelId: 'tiny-onnx', identifyThreshold: 0.9, identifyThresholdSource: 'CALIBRATED' });
    const people = ['Abdullah_Gul', 'AJ_Cook'];
    const ids: Record<string, string> = {};
    for (const person of people) {
      ids[person] = await addIdentity(server, { galleryId, externalId: person, displayName: person }, admin);
      const enrolled = await server.graphql<{ enrollFace: { __typename: string; face?: { modelId: string } } }>(
        'mutation E($id: ID!, $image: ImageInput!) { enrollFace(identityId: $id, image: $image) { __typename ... on Enrolled { face { modelId } } } }',
        { id: ids[person], image: await lfwInput(person, 1) },
        admin,
      );
      expect(enrolled.errors).toBeUndefined();
      expect(enrolled.data!.enrollFace).toEqual({ __typename: 'Enrolled', face: { modelId: 'tiny-onnx' } });
    }
    const identified = await server.graphql<{ identify: { faces: Array<{ decision: string; candidates: Array<{ identity: { id: string }; score: number }> }> } }>(
      'mutation I($galleryId: ID!, $image: ImageInput!) { identify(galleryId: $galleryId, image: $image) { faces { decision candidates { identity { id } score } } } }',
      { galleryId, image: await lfwInput('Abdullah_Gul', 1) },
      admin,
    );
    expect(identified.errors).toBeUndefined();
    const face = identified.data!.identify.faces[0]!;
    expect(face.decision).toBe('MATCH');
    expect(face.candidates[0]!.identity.id).toBe(ids.Abdullah_Gul);
  });

  it('refuses a gallery for a refused model with BAD_INPUT naming the models that exist', async () => {
    const body = await server.graphql('mutation ($input: CreateGalleryInput!) { createGallery(input: $input) { id } }', { input: { name: 'Refused', embeddingModelId: 'wrong-checksum' } }, admin);
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_INPUT');
    expect(body.errors?.[0]?.message).toMatch(/Unknown embedding model "wrong-checksum"; use one of .*tiny-onnx/);
  });
});
