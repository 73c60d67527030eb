import { AppError, ErrorCode } from '../../shared/app-error.js';
/** Engine failures caused by the image itself; they reach the client as BAD_IMAGE with the engine's message. */
const IMAGE_ERRORS = new Set(['NOT_AN_IMAGE', 'CORRUPT_IMAGE', 'IMAGE_TOO_LARGE', 'IMAGE_TOO_SMALL']);
/** Engine failures that go away when the engine is back; the client should retry. */
const UNAVAILABLE_ERRORS = new Set(['ENGINE_CLOSED', 'QUEUE_FULL', 'BACKEND_UNAVAILABLE']);
export class RecognitionRepository {
    settings;
    logger;
    engine = null;
    /** The package's pure helpers, loaded with the engine (the package is imported lazily: it pulls in TensorFlow.js). */
    helpers = null;
    error = null;
    ready;
    constructor(settings, logger) {
        this.settings = settings;
        this.logger = logger;
        this.ready = this.start();
    }
    async start() {
        if (!this.settings.enabled) {
            this.error = 'The recognition engine is disabled (FACELEDGER_RECOGNITION_ENABLED=false).';
            return null;
        }
        const started = Date.now();
        try {
            const { createEngine, getModelInfo, evaluateEnrollment } = await import('@faceledger/recognition');
            this.helpers = { getModelInfo, evaluateEnrollment };
            const engine = await createEngine({
                runtime: { backend: this.settings.backend, workers: this.settings.workers },
            });
            this.engine = engine;
            const info = engine.info();
            this.logger.info({ backend: info.backend, workers: info.workers, model: info.defaultModel, ms: Date.now() - started }, 'recognition engine ready');
            return engine;
        }
        catch (error) {
            this.error = error instanceof Error ? error.message : String(error);
            this.logger.error({ err: error }, 'recognition engine failed to start');
            return null;
        }
    }
    /** Current state without waiting. */
    status() {
        if (this.engine)
            return { state: 'READY', info: this.engine.info(), error: null };
        return { state: this.error ? 'FAILED' : 'LOADING', info: null, error: this.error };
    }
    /** Resolves once loading has finished, either way. */
    async whenSettled() {
        await this.ready;
        return this.status();
    }
    /**
     * Finds the faces in `image` with embeddings of `modelId` (the engine's default when omitted).
     * Throws BAD_IMAGE for unusable bytes and ENGINE_UNAVAILABLE while the engine loads or after it failed.
     */
    async analyze(image, options = {}) {
        const engine = this.requireEngine();
        try {
            return await engine.analyze(image, {
                embed: options.embed ?? true,
                polygon: false,
                ...(options.modelId === undefined ? {} : { model: options.modelId }),
            });
        }
        catch (error) {
            throw toAppError(error);
        }
    }
    /** The registry entry (dims, threshold) of an embedding model; BAD_INPUT for an unknown id. */
    modelInfo(modelId) {
        const { getModelInfo } = this.requireHelpers();
        try {
            return getModelInfo(modelId);
        }
        catch (error) {
            throw new AppError(ErrorCode.BAD_INPUT, error instanceof Error ? error.message : String(error), { modelId });
        }
    }
    /** Checks a face against the enrollment policy (the package's defaults merged with `policy`). */
    checkEnrollment(face, policy, facesInImage) {
        return this.requireHelpers().evaluateEnrollment(face, policy, facesInImage);
    }
    /** Id of the model used when a call names none (compareFaces). */
    defaultModelId() {
        return this.requireEngine().info().defaultModel;
    }
    /** Name of the face detector, recorded as the model of detect-only calls. */
    detectorName() {
        return this.requireEngine().info().detector;
    }
    requireHelpers() {
        this.requireEngine();
        if (!this.helpers)
            throw new AppError(ErrorCode.ENGINE_UNAVAILABLE, 'The recognition engine is still loading; retry in a few seconds.');
        return this.helpers;
    }
    requireEngine() {
        if (this.engine)
            return this.engine;
        if (this.error) {
            throw new AppError(ErrorCode.ENGINE_UNAVAILABLE, `The recognition engine is not running: ${this.error} Check /healthz and the server log.`);
        }
        throw new AppError(ErrorCode.ENGINE_UNAVAILABLE, 'The recognition engine is still loading its models; retry in a few seconds.', {
            retryAfterSeconds: 5,
        });
    }
    async close() {
        const engine = await this.ready;
        await engine?.close();
    }
}
/** Maps an engine failure to the server's error: BAD_IMAGE, ENGINE_UNAVAILABLE, or the original (a bug). */
function toAppError(error) {
    if (!(error instanceof Error) || error.name !== 'RecognitionError' || !('code' in error) || typeof error.code !== 'string') {
        return error;
    }
    if (IMAGE_ERRORS.has(error.code))
        return new AppError(ErrorCode.BAD_IMAGE, error.message, { reason: error.code }, { cause: error });
    if (UNAVAILABLE_ERRORS.has(error.code))
        return new AppError(ErrorCode.ENGINE_UNAVAILABLE, error.message, { reason: error.code }, { cause: error });
    if (error.code === 'MODEL_UNAVAILABLE') {
        return new AppError(ErrorCode.BAD_INPUT, error.message, { reason: error.code }, { cause: error });
    }
    return error;
}
//# sourceMappingURL=recognition.repository.js.map