import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkModelManifest } from '../src/models/model-manifest.js';
import { loadOperatorModels, readOnnxSignature, type OperatorModelReport } from '../src/models/operator-models.js';
import { getModelInfo, listModels, registerOperatorModels } from '../src/models/registry.js';
import { cosineSimilarity, createEngine, isRecognitionError, type Engine } from '../src/index.js';
import { pickSubjectFace } from '../src/subject-face.js';
import { writeOperatorModel } from '../src/testing/operator-model-fixture.js';
import { dataPath } from './helpers.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'faceledger-operator-models-'));
});
afterAll(async () => {
  registerOperatorModels([]);
  await rm(root, { recursive: true, force: true });
});

function byId(reports: OperatorModelReport[], id: string): OperatorModelReport {
  const report = reports.find((r) => r.id === id);
  if (!report) throw new Error(`no report for ${id}: ${reports.map((r) => r.id).join(', ')}`);
  return report;
}

describe('model manifest schema', () => {
  it('lists every problem of a manifest with its path', () => {
    const check = checkModelManifest({ id: 'Bad Id', version: '1', file: 'm.onnx', sha256: 'abc', input: { size: 112, layout: 'NCWH', colourOrder: 'RGB', mean: [0, 0], std: [1, 1, 0] }, alignment: 'arcface', outputDims: 128, licence: 'x', pairThreshold: 1.5, extra: true });
    expect(check.ok).toBe(false);
    const problems = check.ok ? [] : check.problems.join('\n');
    for (const path of ['id:', 'sha256:', 'input.layout:', 'input.mean:', 'input.std:', 'pairThreshold:', '(manifest):']) expect(problems).toContain(path);
  });
});

describe('operator models directory', () => {
  let dir: string;
  let reports: OperatorModelReport[];
  beforeAll(async () => {
    dir = path.join(root, 'mixed');
    await writeOperatorModel(dir, { id: 'good-nchw' });
    await writeOperatorModel(dir, { id: 'good-nhwc', layout: 'NHWC', inputSize: 96, dims: 64, manifest: { alignment: 'dlib-chip' } });
    await writeOperatorModel(dir, { id: 'bad-checksum', sha256: 'a'.repeat(64) });
    await writeOperatorModel(dir, { id: 'bad-shape', networkInputSize: 96 });
    await writeOperatorModel(dir, { id: 'bad-layout', manifest: { input: { size: 112, layout: 'NHWC', colourOrder: 'RGB', mean: [0, 0, 0], std: [1, 1, 1] } } });
    await writeOperatorModel(dir, { id: 'bad-dims', manifest: { outputDims: 128 } });
    await writeOperatorModel(dir, { id: 'no-file', omitFile: true });
    await writeOperatorModel(dir, { id: 'no-licence', manifest: { licence: undefined } });
    await writeOperatorModel(dir, { id: 'shipped-id', manifest: { id: 'faceapi-resnet128' } });
    await writeFile(path.join(dir, 'broken.json'), '{ "id": ');
    await writeFile(path.join(dir, 'not-a-model.onnx.json'), JSON.stringify({ ...JSON.parse(await readFile(path.join(dir, 'good-nchw.json'), 'utf8')), id: 'not-a-model', file: 'broken.json', sha256: undefined }));
    reports = (await loadOperatorModels(dir)).reports;
  });

  it('registers valid manifests with the entry their manifest describes', () => {
    const good = byId(reports, 'good-nchw');
    expect(good).toMatchObject({ state: 'REGISTERED', reason: null, message: null });
    expect(good.info).toMatchObject({ id: 'good-nchw', dims: 32, inputSize: 112, alignment: 'arcface', threshold: 0.5, operator: { layout: 'NCHW', colourOrder: 'RGB', mean: [127.5, 127.5, 127.5] } });
    expect(byId(reports, 'good-nhwc')).toMatchObject({ state: 'REGISTERED', info: { dims: 64, inputSize: 96, alignment: 'dlib-chip', operator: { layout: 'NHWC' } } });
  });

  it('refuses each broken model with its own reason and a message naming the fix', () => {
    const refused = (id: string) => {
      const r = byId(reports, id);
      expect(r.state).toBe('REFUSED');
      expect(r.info).toBeNull();
      return { reason: r.reason, message: r.message ?? '' };
    };
    const checksum = refused('bad-checksum');
    expect(checksum.reason).toBe('CHECKSUM_MISMATCH');
    expect(checksum.message).toMatch(new RegExp(`bad-checksum\\.onnx has SHA-256 [0-9a-f]{64}, but bad-checksum\\.json expects ${'a'.repeat(64)}`));
    const shape = refused('bad-shape');
    expect(shape.reason).toBe('INPUT_SHAPE_MISMATCH');
    expect(shape.message).toContain("declares input 'input' as ['batch', 3, 96, 96], but the manifest says NCHW [batch, 3, 112, 112]");
    const layout = refused('bad-layout');
    expect(layout.reason).toBe('INPUT_SHAPE_MISMATCH');
    expect(layout.message).toContain('the manifest says NHWC [batch, 112, 112, 3]');
    const dims = refused('bad-dims');
    expect(dims.reason).toBe('OUTPUT_SHAPE_MISMATCH');
    expect(dims.message).toContain("32-d, but the manifest's outputDims is 128; set outputDims to 32");
    const missing = refused('no-file');
    expect(missing.reason).toBe('MISSING_FILE');
    expect(missing.message).toContain(`names the model file ${path.join(dir, 'no-file.onnx')}, which does not exist`);
    const licence = refused('no-licence');
    expect(licence.reason).toBe('BAD_MANIFEST');
    expect(licence.message).toContain('licence:');
    expect(refused('broken')).toMatchObject({ reason: 'BAD_MANIFEST', message: expect.stringContaining('broken.json is not valid JSON') });
    expect(refused('faceapi-resnet128')).toMatchObject({ reason: 'DUPLICATE_ID', message: expect.stringContaining('a shipped model has') });
    expect(refused('not-a-model')).toMatchObject({ reason: 'BAD_MANIFEST', message: expect.stringContaining('sha256:') });
  });

  it('reads the network itself: a file ONNX Runtime cannot load is UNREADABLE_MODEL', async () => {
    const other = path.join(root, 'unreadable');
    const { file, manifest } = await writeOperatorModel(other, { id: 'garbage' });
    const bytes = Buffer.from('this is not an ONNX model');
    await writeFile(file, bytes);
    const json = JSON.parse(await readFile(manifest, 'utf8')) as Record<string, unknown>;
    const { createHash } = await import('node:crypto');
    await writeFile(manifest, JSON.stringify({ ...json, sha256: createHash('sha256').update(bytes).digest('hex') }));
    const [report] = (await loadOperatorModels(other)).reports;
    expect(report).toMatchObject({ id: 'garbage', state: 'REFUSED', reason: 'UNREADABLE_MODEL' });
  });

  it('refuses a network whose input or output is not float32 (TENSOR_TYPE_MISMATCH), as ONNX Runtime declares it', async () => {
    const other = path.join(root, 'types');
    await writeOperatorModel(other, { id: 'uint8-input' });
    const declared = (inputType: string, outputType: string) => async () => ({
      inputs: [{ name: 'image', type: inputType, shape: ['batch', 3, 112, 112] }],
      outputs: [{ name: 'embedding', type: outputType, shape: ['batch', 32] }],
    });
    const [input] = (await loadOperatorModels(other, declared('uint8', 'float32'))).reports;
    expect(input).toMatchObject({ state: 'REFUSED', reason: 'TENSOR_TYPE_MISMATCH', message: expect.stringContaining("declares input 'image' as uint8") });
    const [output] = (await loadOperatorModels(other, declared('float32', 'float16'))).reports;
    expect(output).toMatchObject({ state: 'REFUSED', reason: 'TENSOR_TYPE_MISMATCH', message: expect.stringContaining("declares output 'embedding' as float16") });
    const [both] = (await loadOperatorModels(other, declared('float32', 'float32'))).reports;
    expect(both).toMatchObject({ state: 'REGISTERED' });
  });

  it('reports a directory that does not exist instead of failing', async () => {
    const load = await loadOperatorModels(path.join(root, 'nowhere'));
    expect(load.reports).toEqual([]);
    expect(load.error).toMatch(/models directory .*nowhere cannot be read \(ENOENT\)/);
  });

  it('makes registered models visible by id next to the shipped ones, and only those', () => {
    registerOperatorModels(reports.flatMap((r) => (r.info ? [r.info] : [])));
    expect(listModels().map((m) => m.id)).toEqual(expect.arrayContaining(['faceapi-resnet128', 'good-nchw', 'good-nhwc']));
    expect(getModelInfo('good-nchw').operator?.file).toBe(path.join(dir, 'good-nchw.onnx'));
    let error: unknown;
    try {
      getModelInfo('bad-checksum');
    } catch (e) {
      error = e;
    }
    expect(isRecognitionError(error) && error.code).toBe('MODEL_UNAVAILABLE');
    registerOperatorModels([]);
    expect(listModels().some((m) => m.id === 'good-nchw')).toBe(false);
  });
});

describe('operator model in the engine, on real photos', () => {
  let pooled: Engine;
  let inProcess: Engine;
  let dir: string;
  beforeAll(async () => {
    dir = path.join(root, 'engine');
    await writeOperatorModel(dir, { id: 'tiny-onnx', dims: 32 });
    await writeOperatorModel(dir, { id: 'tiny-wrong-sum', sha256: 'b'.repeat(64) });
    pooled = await createEngine({ runtime: { workers: 1 }, embedding: { modelsDir: dir }, spoof: { enabled: false } });
    inProcess = await createEngine({ runtime: { workers: 0 }, embedding: { modelsDir: dir }, spoof: { enabled: false } });
  });
  afterAll(async () => {
    await pooled?.close();
    await inProcess?.close();
  });

  it('lists the registered and the refused model, and still runs the shipped default', () => {
    const info = pooled.info();
    expect(info.defaultModel).toBe('faceapi-resnet128');
    expect(info.models.map((m) => m.id)).toContain('tiny-onnx');
    expect(info.models.map((m) => m.id)).not.toContain('tiny-wrong-sum');
    expect(info.operatorModels?.reports.map((r) => [r.id, r.state, r.reason])).toEqual([
      ['tiny-onnx', 'REGISTERED', null],
      ['tiny-wrong-sum', 'REFUSED', 'CHECKSUM_MISMATCH'],
    ]);
  });

  it('embeds through the worker pool with the operator model, as the in-process engine does', async () => {
    const [a1, a2, b] = await Promise.all(
      ['Abdullah_Gul/Abdullah_Gul_0001.jpg', 'Abdullah_Gul/Abdullah_Gul_0002.jpg', 'AJ_Cook/AJ_Cook_0001.jpg'].map((f) => readFile(dataPath('lfw', 'images', f))),
    );
    const embed = async (engine: Engine, bytes: Buffer) => {
      const face = pickSubjectFace(await engine.analyze(bytes, { model: 'tiny-onnx', extraModels: ['faceapi-resnet128'], polygon: false }));
      if (!face?.embedding) throw new Error('no face');
      return face;
    };
    const face = await embed(pooled, a1 as Buffer);
    expect(face.modelId).toBe('tiny-onnx');
    expect(face.embedding).toHaveLength(32);
    expect(face.extraEmbeddings?.['faceapi-resnet128']).toHaveLength(128);
    let norm = 0;
    for (const v of face.embedding as Float32Array) norm += v * v;
    expect(norm).toBeCloseTo(1, 5);
    const same = await embed(inProcess, a1 as Buffer);
    expect(cosineSimilarity(face.embedding as Float32Array, same.embedding as Float32Array)).toBeGreaterThan(0.99999);
    const other = await embed(pooled, b as Buffer);
    const again = await embed(pooled, a2 as Buffer);
    expect(cosineSimilarity(face.embedding as Float32Array, other.embedding as Float32Array)).toBeLessThan(0.99999);
    expect(cosineSimilarity(face.embedding as Float32Array, again.embedding as Float32Array)).toBeLessThan(0.99999);
  });

  it('refuses a call for the refused model with MODEL_UNAVAILABLE', async () => {
    const bytes = await readFile(dataPath('lfw', 'images', 'Abdullah_Gul/Abdullah_Gul_0001.jpg'));
    await expect(pooled.analyze(bytes, { model: 'tiny-wrong-sum' })).rejects.toMatchObject({ code: 'MODEL_UNAVAILABLE' });
  });
});

describe('operator models are loaded by every worker at start', () => {
  let dir: string;
  let load: Awaited<ReturnType<typeof loadOperatorModels>>;
  let engine: Engine;
  beforeAll(async () => {
    dir = path.join(root, 'preload');
    await writeOperatorModel(dir, { id: 'tiny-ok', dims: 32 });
    const swapped = await writeOperatorModel(dir, { id: 'tiny-swapped', seed: 2 });
    const gone = await writeOperatorModel(dir, { id: 'tiny-gone', seed: 3 });
    // A file whose checksum matches its manifest but that is no ONNX network. The main thread's check
    // is told it reads fine (as if the file were replaced with this one after the check), so only a
    // worker's own ONNX Runtime session finds it unreadable.
    const garbage = await writeOperatorModel(dir, { id: 'tiny-garbage', seed: 4 });
    const bytes = Buffer.from('this is not an ONNX model');
    await writeFile(garbage.file, bytes);
    const json = JSON.parse(await readFile(garbage.manifest, 'utf8')) as Record<string, unknown>;
    const { createHash } = await import('node:crypto');
    await writeFile(garbage.manifest, JSON.stringify({ ...json, sha256: createHash('sha256').update(bytes).digest('hex') }));
    const signature = { inputs: [{ name: 'input', type: 'float32', shape: ['batch', 3, 112, 112] }], outputs: [{ name: 'embedding', type: 'float32', shape: ['batch', 32] }] };
    load = await loadOperatorModels(dir, async (file) => (file === garbage.file ? signature : readOnnxSignature(file)));
    expect(load.reports.map((r) => [r.id, r.state])).toEqual([
      ['tiny-garbage', 'REGISTERED'],
      ['tiny-gone', 'REGISTERED'],
      ['tiny-ok', 'REGISTERED'],
      ['tiny-swapped', 'REGISTERED'],
    ]);
    // Between the main thread's check and the workers' start, one file is replaced and one deleted.
    await writeFile(swapped.file, await readFile(path.join(dir, 'tiny-ok.onnx')));
    await rm(gone.file);
    engine = await createEngine({ runtime: { workers: 2 }, spoof: { enabled: false } }, { operatorModels: load });
  });
  afterAll(async () => {
    await engine?.close();
  });

  it('has each worker report the default and the operator model loaded before the engine is ready', () => {
    const status = engine.workerStatus();
    expect(status?.ready).toBe(2);
    expect(status?.workers).toEqual([{ loadedModels: ['faceapi-resnet128', 'tiny-ok'] }, { loadedModels: ['faceapi-resnet128', 'tiny-ok'] }]);
  });

  it('reports each model a worker could not load as refused, with its reason, at start', () => {
    const reports = engine.info().operatorModels?.reports ?? [];
    expect(reports.map((r) => [r.id, r.state, r.reason])).toEqual([
      ['tiny-garbage', 'REFUSED', 'UNREADABLE_MODEL'],
      ['tiny-gone', 'REFUSED', 'MISSING_FILE'],
      ['tiny-ok', 'REGISTERED', null],
      ['tiny-swapped', 'REFUSED', 'CHECKSUM_MISMATCH'],
    ]);
    expect(byId(reports, 'tiny-garbage').message).toMatch(/passed the start check, but a recognition thread could not load it: .*cannot be loaded by ONNX Runtime/);
    expect(byId(reports, 'tiny-gone').message).toMatch(/is missing; put it back in the models directory and restart/);
    expect(byId(reports, 'tiny-swapped').message).toMatch(/does not match its registered SHA-256/);
    expect(engine.info().models.map((m) => m.id).filter((id) => id.startsWith('tiny-'))).toEqual(['tiny-ok']);
    // The caller's own report is left as it was given.
    expect(load.reports.every((r) => r.state === 'REGISTERED')).toBe(true);
  });

  it('refuses a call naming a model a worker could not load with MODEL_UNAVAILABLE and the reason, before any work', async () => {
    const bytes = await readFile(dataPath('lfw', 'images', 'Abdullah_Gul/Abdullah_Gul_0001.jpg'));
    await expect(engine.analyze(bytes, { model: 'tiny-garbage' })).rejects.toMatchObject({ code: 'MODEL_UNAVAILABLE', details: { model: 'tiny-garbage', reason: 'UNREADABLE_MODEL' } });
    await expect(engine.analyze(bytes, { extraModels: ['tiny-gone'] })).rejects.toMatchObject({ code: 'MODEL_UNAVAILABLE', details: { reason: 'MISSING_FILE' } });
    expect(() => getModelInfo('tiny-swapped')).toThrow(/Unknown embedding model 'tiny-swapped'/);
  });

  it('loads them in the in-process engine too, with the same reports', async () => {
    const inProcess = await createEngine({ runtime: { workers: 0 }, spoof: { enabled: false } }, { operatorModels: load });
    try {
      expect(inProcess.info().operatorModels?.reports.map((r) => [r.id, r.reason])).toEqual([
        ['tiny-garbage', 'UNREADABLE_MODEL'],
        ['tiny-gone', 'MISSING_FILE'],
        ['tiny-ok', null],
        ['tiny-swapped', 'CHECKSUM_MISMATCH'],
      ]);
    } finally {
      await inProcess.close();
    }
  });
});
