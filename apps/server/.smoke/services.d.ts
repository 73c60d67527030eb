import type { Database } from '@faceledger/db';
import type { Logger } from 'pino';
import type { Services } from './graphql/context.js';
import type { ImageStore } from './infrastructure/image-store/image-store.js';
import type { RecognitionRepository } from './infrastructure/recognition/recognition.repository.js';
import { type AuthSettings } from './modules/auth/auth-settings.js';
/** What the services are built from. */
export interface Infrastructure {
    db: Database;
    imageStore: ImageStore;
    recognition: RecognitionRepository;
    logger: Logger;
    version: string;
    /** Session lifetime and cookie flags; the defaults when absent (tests). */
    auth?: AuthSettings;
}
export declare function createServices(infra: Infrastructure): Services;
