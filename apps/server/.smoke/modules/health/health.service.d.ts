import type { Database } from '@faceledger/db';
import type { RecognitionRepository } from '../../infrastructure/recognition/recognition.repository.js';
import type { Health } from '@faceledger/schema';
export declare class HealthService {
    private readonly db;
    private readonly recognition;
    private readonly version;
    private readonly startedAt;
    constructor(db: Database, recognition: RecognitionRepository, version: string);
    check(): Promise<Health>;
}
