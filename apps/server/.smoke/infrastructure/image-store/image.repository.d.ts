import type { PrismaClient } from '@faceledger/db';
import { type ImageStore } from './image-store.js';
export declare class ImageRepository {
    private readonly prisma;
    private readonly store;
    constructor(prisma: PrismaClient, store: ImageStore);
    /** Stores the bytes and returns their key (sha256 hex). */
    put(bytes: Uint8Array): Promise<string>;
    /** The bytes under `key`, or null when there are none (or the key is not an image key). */
    get(key: string): Promise<Uint8Array | null>;
    /**
     * Deletes each image of `keys` that no face and no match event references; returns the deleted
     * keys. Callers exclude keys they still hold for other reasons (pending uploads).
     */
    deleteUnreferenced(keys: readonly string[]): Promise<string[]>;
}
