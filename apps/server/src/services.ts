// Wires repositories into services, once, for main.ts and for the integration tests alike.
// Each module adds its repository and service here.
import type { Database } from '@faceledger/db';
import type { Logger } from 'pino';
import type { Services } from './graphql/context.js';
import type { ImageStore } from './infrastructure/image-store/image-store.js';
import type { RecognitionRepository } from './infrastructure/recognition/recognition.repository.js';
import { HealthService } from './modules/health/health.service.js';

/** What the services are built from. */
export interface Infrastructure {
  db: Database;
  imageStore: ImageStore;
  recognition: RecognitionRepository;
  logger: Logger;
  version: string;
}

export function createServices(infra: Infrastructure): Services {
  return {
    health: new HealthService(infra.db, infra.recognition, infra.version),
  };
}
