import { performance } from 'node:perf_hooks';
import { jitteredChips } from './chip-jitter.js';
import { type FivePoints, alignmentTransform, applyAffine, arcfaceTemplate, dlibChipPoints51, estimateSimilarity, mirrorCrop, warpAffine, type Affine, type Point2 } from './align.js';
import type { RecognitionConfig } from './config.js';
import { decodeImage, type DecodedImage } from './decode.js';
import { blankOutside, dlib51FromMesh, faceOvalPolygon, fivePointsFromMesh, polygonMask } from './landmarks.js';
import { moduleLogger } from './logger.js';
import { l2normalize, type Embedder } from './models/embedder.js';
import { boxForPredictor, boxOfFace, dlibChip5Transform, meshParts5, predictParts5, predictParts5In } from './dlib-chip.js';
import { loadMmodDetector, type MmodDetection } from './models/dlib-mmod.js';
import { greyOf, loadShapePredictor5, type GreyImage } from './models/dlib-shape-predictor.js';
import { loadOperatorEmbedder } from './models/operator-embedder.js';
import { HumanDetector, type DetectedFace } from './models/human-detector.js';
import { operatorModelLoadFailure, type OperatorModelLoadFailure } from './models/operator-models.js';
import { getModelInfo, registeredOperatorModels, templateFor, unregisterOperatorModels } from './models/registry.js';
import { assessQuality, cropStatistics, eyeDistance } from './quality.js';
import { initBackend, tf, type BackendName } from './runtime/backend.js';
import { loadShippedEmbedder, onnxRuntimeOptions } from './runtime/embedder-runtime.js';
import type { AnalysisResult, AnalyzeOptions, Face, FaceAttributes, StageTimings } from './types.js';

const log = moduleLogger('pipeline');
const QUALITY_TEMPLATE = arcfaceTemplate(112);

/** Per-face geometry shared by every model's alignment. */
interface FaceGeometry {
  five: FivePoints;
  mesh: readonly (readonly number[])[];
  polygon: Point2[];
}

/** Each image in grey, made once when a shape predictor needs it. */
const greyImages = new WeakMap<DecodedImage, GreyImage>();
function greyImageOf(image: DecodedImage): GreyImage {
  let grey = greyImages.get(image);
  if (!grey) {
    grey = greyOf(image);
    greyImages.set(image, grey);
  }
  return grey;
}

/** dlib's MMOD detections of each image, found once when a chip placement needs them. */
const mmodDetections = new WeakMap<DecodedImage, Promise<MmodDetection[]>>();
function mmodDetectionsOf(image: DecodedImage): Promise<MmodDetection[]> {
  let found = mmodDetections.get(image);
  if (!found) {
    found = loadMmodDetector().then((detector) => detector.detect(image));
    mmodDetections.set(image, found);
  }
  return found;
}

function addInto(sum: Float32Array, v: Float32Array): void {
  for (let i = 0; i < sum.length; i++) sum[i] = (sum[i] as number) + (v[i] as number);
}

function toPoint([x, y]: Point2): { x: number; y: number } {
  return { x, y };
}

/** What Pipeline.preloadOperatorModels loaded, and which operator models failed to load and why. */
export interface ModelPreload {
  loaded: string[];
  failed: OperatorModelLoadFailure[];
}

/**
 * The per-thread loop decode -> detect -> landmarks -> align -> quality -> embed over one Face type.
 * One instance per thread (worker or in-process engine); models load once and are reused.
 */
export class Pipeline {
  private readonly embedders = new Map<string, Promise<Embedder>>();
  /** Ids whose embedder has finished loading, in load order. */
  private readonly loaded = new Set<string>();

  private constructor(
    readonly config: RecognitionConfig,
    readonly backend: BackendName,
    private readonly detector: HumanDetector,
  ) {}

  /** Starts the backend and loads the detector and the default embedding model. */
  static async create(config: RecognitionConfig): Promise<Pipeline> {
    const backend = await initBackend(config.runtime.backend);
    getModelInfo(config.embedding.model);
    const detector = await HumanDetector.create(backend, config.detector, config.spoof, config.attributes);
    const pipeline = new Pipeline(config, backend, detector);
    await pipeline.embedder(config.embedding.model);
    log.info({ backend, model: config.embedding.model }, 'pipeline ready');
    return pipeline;
  }

  /**
   * Loads every operator model registered in this thread now rather than on its first image, so
   * the first request is as fast as later ones. A model that fails is unregistered in this thread
   * and returned with its reason; the others, and the default model, are listed in `loaded`.
   */
  async preloadOperatorModels(): Promise<ModelPreload> {
    const registered = registeredOperatorModels();
    const failed: OperatorModelLoadFailure[] = [];
    for (const info of registered) {
      try {
        await this.embedder(info.id);
      } catch (error) {
        failed.push(operatorModelLoadFailure(info, error));
        log.error({ model: info.id, err: error }, 'operator model failed to load');
      }
    }
    unregisterOperatorModels(failed.map((f) => f.id));
    return { loaded: this.loadedModels(), failed };
  }

  /** Ids of the embedders loaded in this thread (the default model first). */
  loadedModels(): string[] {
    return [...this.loaded];
  }

  /** Loads (once) and returns the embedder for a registry id. */
  embedder(id: string): Promise<Embedder> {
    let loading = this.embedders.get(id);
    if (!loading) {
      const info = getModelInfo(id);
      loading = info.operator ? loadOperatorEmbedder(info, onnxRuntimeOptions(this.config.runtime)) : loadShippedEmbedder(info, this.config.runtime);
      loading.then(
        () => this.loaded.add(id),
        () => this.embedders.delete(id),
      );
      this.embedders.set(id, loading);
    }
    return loading;
  }

  /** Number of live tensors in this thread (leak checks). */
  numTensors(): number {
    return tf.memory().numTensors;
  }

  /** Analyses one encoded image. */
  async analyze(bytes: Uint8Array, options: AnalyzeOptions = {}): Promise<AnalysisResult> {
    const t0 = performance.now();
    const timings: StageTimings = { decode: 0, detect: 0, align: 0, quality: 0, embed: 0, total: 0 };
    const image = await decodeImage(bytes, this.config.limits);
    const t1 = performance.now();
    timings.decode = t1 - t0;
    let detected = await this.detector.detect(image);
    const fallback = this.config.detector.fallbackMinConfidence;
    if (detected.length === 0 && fallback > 0 && fallback < this.config.detector.minConfidence) detected = await this.detector.detect(image, fallback);
    timings.detect = performance.now() - t1;
    detected.sort((a, b) => b.box[2] * b.box[3] - a.box[2] * a.box[3]);
    const { maxFaces } = this.config.detector;
    const facesTruncated = detected.length > maxFaces;
    const faces: Face[] = [];
    for (const d of detected.slice(0, maxFaces)) faces.push(await this.analyzeFace(image, d, options, timings));
    timings.total = performance.now() - t0;
    return { width: image.width, height: image.height, faces, facesTruncated, timings };
  }

  private async analyzeFace(image: DecodedImage, d: DetectedFace, options: AnalyzeOptions, timings: StageTimings): Promise<Face> {
    let t = performance.now();
    const points = fivePointsFromMesh(d.mesh);
    const polygon = faceOvalPolygon(d.mesh);
    const qm = alignmentTransform(points, QUALITY_TEMPLATE);
    const qcrop = warpAffine(image, qm, QUALITY_TEMPLATE.size);
    let now = performance.now();
    timings.align += now - t;
    t = now;
    const stats = cropStatistics(qcrop, QUALITY_TEMPLATE.size);
    const quality = assessQuality({ ...stats, eyeDistance: eyeDistance(points), pose: d.pose, detectionScore: Math.min(d.score, d.meshScore) });
    now = performance.now();
    timings.quality += now - t;
    const face: Face = {
      box: { x: d.box[0], y: d.box[1], width: d.box[2], height: d.box[3] },
      score: d.score,
      landmarks: { rightEye: toPoint(points[0]), leftEye: toPoint(points[1]), nose: toPoint(points[2]), rightMouth: toPoint(points[3]), leftMouth: toPoint(points[4]) },
      pose: d.pose,
      quality,
      spoof: { antispoof: d.real ?? null, liveness: d.live ?? null },
    };
    if (options.polygon ?? true) face.polygon = polygon.map(toPoint);
    if (this.config.attributes.enabled) {
      const attributes: FaceAttributes = {};
      if (d.age !== undefined) attributes.age = d.age;
      if (d.gender !== undefined) attributes.gender = d.gender;
      if (d.genderScore !== undefined) attributes.genderScore = d.genderScore;
      if (d.emotion) attributes.emotion = d.emotion;
      face.attributes = attributes;
    }
    if (options.embed ?? true) {
      const modelId = options.model ?? this.config.embedding.model;
      const geometry: FaceGeometry = { five: points, mesh: d.mesh, polygon };
      face.embedding = await this.embedFace(image, geometry, modelId, options, timings);
      face.modelId = modelId;
      for (const extra of options.extraModels ?? []) {
        if (extra === modelId) continue;
        face.extraEmbeddings ??= {};
        face.extraEmbeddings[extra] = await this.embedFace(image, geometry, extra, options, timings);
      }
    }
    return face;
  }

  /** Aligns one face for a model and returns its L2-normalised embedding. */
  private async embedFace(image: DecodedImage, geometry: FaceGeometry, modelId: string, options: AnalyzeOptions, timings: StageTimings): Promise<Float32Array> {
    const embedder = await this.embedder(modelId);
    let t = performance.now();
    const template = templateFor(embedder.info);
    const polygon = geometry.polygon;
    const mirror = options.mirror ?? this.config.embedding.mirror;
    const jitter = options.chipJitter ?? this.config.embedding.chipJitter;
    // One group of crops per chip placement (the chip and its mirror): each group's embeddings are
    // averaged and normalised, then the groups' (so two placements weigh the same, mirrored or not).
    const groups: Float32Array[][] = [];
    const cut = (m: Affine): Float32Array => {
      const crop = warpAffine(image, m, template.size);
      if (!(options.blankBackground ?? this.config.embedding.blankBackground)) return crop;
      return blankOutside(crop, polygonMask(polygon.map((p) => applyAffine(m, p)), template.size, template.size), 0);
    };
    for (const m of await this.chipTransforms(image, geometry, embedder, options)) {
      const crop = cut(m);
      const group = mirror ? [crop, mirrorCrop(crop, template.size)] : [crop];
      for (const j of jitteredChips(m, template.size, jitter)) {
        const copy = cut(j.transform);
        group.push(j.mirrored ? mirrorCrop(copy, template.size) : copy);
      }
      groups.push(group);
    }
    let now = performance.now();
    timings.align += now - t;
    t = now;
    const vectors = await embedder.embed(groups.flat());
    const out = new Float32Array(embedder.info.dims);
    let next = 0;
    for (const group of groups) {
      const mean = new Float32Array(embedder.info.dims);
      for (let k = 0; k < group.length; k++) addInto(mean, l2normalize(vectors[next++] as Float32Array));
      addInto(out, l2normalize(mean));
    }
    now = performance.now();
    timings.embed += now - t;
    return l2normalize(out);
  }

  /**
   * Where a face lands in the model's input: the chip placement the config or call asks for; two for
   * 'mesh-51+dlib-5' and 'mesh-51+mmod-5', whose embeddings are averaged.
   */
  private async chipTransforms(image: DecodedImage, geometry: FaceGeometry, embedder: Embedder, options: AnalyzeOptions): Promise<Affine[]> {
    const template = templateFor(embedder.info);
    if (embedder.info.alignment !== 'dlib-chip') return [alignmentTransform(geometry.five, template)];
    const mesh51 = (): Affine => estimateSimilarity(dlib51FromMesh(geometry.mesh), dlibChipPoints51(template.size, 0.25));
    const dlib5 = async (): Promise<Affine> => dlibChip5Transform(predictParts5(await loadShapePredictor5(), greyImageOf(image), geometry.mesh), template.size);
    // As dlib's pipeline: the predictor starts from the detector's box (MMOD's here), else from the mesh.
    const mmod5 = async (): Promise<Affine> => {
      const model = await loadShapePredictor5();
      const parts = meshParts5(geometry.mesh);
      const box = boxOfFace((await mmodDetectionsOf(image)).map((d) => d.rect), parts) ?? boxForPredictor(model, parts);
      return dlibChip5Transform(predictParts5In(model, greyImageOf(image), box), template.size);
    };
    switch (options.chipLandmarks ?? this.config.embedding.chipLandmarks) {
      case 'mesh-51':
        return [mesh51()];
      case 'five-point':
        return [alignmentTransform(geometry.five, template)];
      case 'mesh-5':
        return [dlibChip5Transform(meshParts5(geometry.mesh), template.size)];
      case 'dlib-5':
        return [await dlib5()];
      case 'mesh-51+dlib-5':
        return [mesh51(), await dlib5()];
      case 'mmod-5':
        return [await mmod5()];
      case 'mesh-51+mmod-5':
        return [mesh51(), await mmod5()];
    }
  }

  /** Frees every loaded model. */
  async dispose(): Promise<void> {
    for (const loading of this.embedders.values()) {
      try {
        (await loading).dispose();
      } catch {
        // a model that failed to load has nothing to free
      }
    }
    this.embedders.clear();
    this.loaded.clear();
  }
}
