import type { ImageRepository } from '../../infrastructure/image-store/image.repository.js';
import { type Actor } from '../auth/actor.js';
/** Largest image accepted as base64 inside a GraphQL request; bigger ones go through POST /api/uploads. */
export declare const MAX_BASE64_IMAGE_BYTES: number;
/** Largest file POST /api/uploads accepts (the engine refuses larger images anyway). */
export declare const MAX_UPLOAD_BYTES: number;
/** How long an upload id stays usable. */
export declare const UPLOAD_TTL_MS: number;
/** An image argument as GraphQL hands it over: exactly one of the two. */
export interface ImageArg {
    base64?: string | null | undefined;
    uploadId?: string | null | undefined;
}
/** Bytes of a request's image and their sha256. */
export interface ImageBytes {
    bytes: Uint8Array;
    sha256: string;
}
export declare class UploadsService {
    private readonly images;
    private readonly now;
    /** Pending uploads: key -> (actorRef -> expiry time in ms). */
    private readonly pending;
    constructor(images: ImageRepository, now?: () => number);
    /** Stores an uploaded image and returns its upload id (its sha256). */
    upload(actor: Actor, bytes: Uint8Array): Promise<{
        uploadId: string;
        bytes: number;
        expiresAt: string;
    }>;
    /** The bytes of an image argument; BAD_INPUT unless exactly one form is given, BAD_IMAGE when unusable. */
    resolve(actor: Actor, image: ImageArg, field?: string): Promise<ImageBytes>;
    /** True while some caller may still use `key` as an upload id (the purge job keeps such images). */
    isPending(key: string): boolean;
    /** Forgets expired uploads and deletes their images unless a face or match event uses them; returns the deleted count. */
    purgeExpired(now?: number): Promise<number>;
    private readUpload;
}
