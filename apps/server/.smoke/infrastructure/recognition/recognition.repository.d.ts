import type { AnalysisResult, EmbeddingModelInfo, EnrollmentDecision, EnrollmentPolicy, EngineInfo, Face } from '@faceledger/recognition';
import type { Logger } from 'pino';
/** Where the engine is in its life. */
export type RecognitionState = 'LOADING' | 'READY' | 'FAILED';
/** Settings the server passes through to the engine. */
export interface RecognitionSettings {
    enabled: boolean;
    backend: 'wasm' | 'tensorflow' | 'cpu';
    workers: number;
}
/** What health reports about the engine. */
export interface RecognitionStatus {
    state: RecognitionState;
    info: EngineInfo | null;
    error: string | null;
}
export declare class RecognitionRepository {
    private readonly settings;
    private readonly logger;
    private engine;
    /** The package's pure helpers, loaded with the engine (the package is imported lazily: it pulls in TensorFlow.js). */
    private helpers;
    private error;
    private readonly ready;
    constructor(settings: RecognitionSettings, logger: Logger);
    private start;
    /** Current state without waiting. */
    status(): RecognitionStatus;
    /** Resolves once loading has finished, either way. */
    whenSettled(): Promise<RecognitionStatus>;
    /**
     * Finds the faces in `image` with embeddings of `modelId` (the engine's default when omitted).
     * Throws BAD_IMAGE for unusable bytes and ENGINE_UNAVAILABLE while the engine loads or after it failed.
     */
    analyze(image: Uint8Array, options?: {
        modelId?: string;
        embed?: boolean;
    }): Promise<AnalysisResult>;
    /** The registry entry (dims, threshold) of an embedding model; BAD_INPUT for an unknown id. */
    modelInfo(modelId: string): EmbeddingModelInfo;
    /** Checks a face against the enrollment policy (the package's defaults merged with `policy`). */
    checkEnrollment(face: Face, policy: Partial<EnrollmentPolicy>, facesInImage: number): EnrollmentDecision;
    /** Id of the model used when a call names none (compareFaces). */
    defaultModelId(): string;
    /** Name of the face detector, recorded as the model of detect-only calls. */
    detectorName(): string;
    private requireHelpers;
    private requireEngine;
    close(): Promise<void>;
}
