import type { Logger } from 'pino';
import type { MatchingService } from './matching.service.js';
import type { UploadsService } from '../uploads/uploads.service.js';
/** How often the purge runs by default. */
export declare const PROBE_RETENTION_INTERVAL_MS: number;
/** Starts the job (first run right away) and returns a function that stops it. */
export declare function startProbeRetentionJob(services: {
    matching: Pick<MatchingService, 'purgeExpiredProbes'>;
    uploads: Pick<UploadsService, 'purgeExpired'>;
}, logger: Logger, intervalMs?: number): () => void;
