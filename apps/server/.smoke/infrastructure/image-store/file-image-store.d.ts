import { type ImageStore } from './image-store.js';
export declare class FileImageStore implements ImageStore {
    private readonly root;
    constructor(root: string);
    private pathOf;
    put(bytes: Uint8Array): Promise<string>;
    get(key: string): Promise<Uint8Array | null>;
    has(key: string): Promise<boolean>;
    delete(key: string): Promise<void>;
    thumbnail(key: string, size?: number): Promise<Uint8Array | null>;
    keys(): AsyncIterable<string>;
}
