import type { CreateGalleryInput, Gallery, UpdateGalleryInput } from '@faceledger/schema';
import type { RecognitionRepository } from '../../infrastructure/recognition/recognition.repository.js';
import type { AuditRepository } from '../audit/audit.repository.js';
import { type Actor } from '../auth/actor.js';
import type { GalleriesRepository } from './galleries.repository.js';
/** The engine's default embedding model, used while the engine is not loaded yet. */
export declare const FALLBACK_EMBEDDING_MODEL_ID = "faceapi-resnet128";
export declare class GalleriesService {
    private readonly galleries;
    private readonly audit;
    private readonly recognition;
    constructor(galleries: GalleriesRepository, audit: AuditRepository, recognition: RecognitionRepository);
    list(actor: Actor): Promise<Gallery[]>;
    get(actor: Actor, id: string): Promise<Gallery>;
    create(actor: Actor, input: CreateGalleryInput): Promise<Gallery>;
    update(actor: Actor, id: string, input: UpdateGalleryInput): Promise<Gallery>;
    /** Deletes a gallery that holds no identities but erased tombstones and no active restricted API key. */
    delete(actor: Actor, id: string): Promise<string>;
    private defaultModelId;
    /** Refuses a model the loaded engine does not know; while it loads, any id is accepted. */
    private checkModel;
    private checkNameFree;
}
