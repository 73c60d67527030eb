// What every resolver receives: who is calling and the services of this server. Resolvers stay
// thin: they pass ctx.actor and their arguments to a service, which authorizes and does the work.
import type { Request, Response } from 'express';
import type { ApiKeysService } from '../modules/api-keys/api-keys.service.js';
import type { Actor } from '../modules/auth/actor.js';
import type { AuditService } from '../modules/audit/audit.service.js';
import type { AuthService } from '../modules/auth/auth.service.js';
import type { GalleriesService } from '../modules/galleries/galleries.service.js';
import type { HealthService } from '../modules/health/health.service.js';
import type { IdentitiesService } from '../modules/identities/identities.service.js';
import type { IdentityErasureService } from '../modules/identities/identity-erasure.service.js';
import type { UsersService } from '../modules/users/users.service.js';
import type { EnrollmentService } from '../modules/enrollment/enrollment.service.js';
import type { MatchingService } from '../modules/matching/matching.service.js';
import type { ReviewsService } from '../modules/reviews/reviews.service.js';
import type { UploadsService } from '../modules/uploads/uploads.service.js';
import type { ImagesService } from '../modules/images/images.service.js';
import type { LiveFeedService } from '../modules/live-feed/live-feed.service.js';
import type { WebhooksService } from '../modules/live-feed/webhooks.service.js';
import type { ActorDirectoryService } from '../modules/users/actor-directory.service.js';
import type { JobsService } from '../modules/jobs/jobs.service.js';
import type { BulkImportService } from '../modules/bulk-import/bulk-import.service.js';
import type { EvaluationService } from '../modules/evaluation/evaluation.service.js';
import type { ModelMigrationService } from '../modules/model-migration/model-migration.service.js';
import type { CamerasService } from '../modules/cameras/cameras.service.js';
import type { SightingsService } from '../modules/sightings/sightings.service.js';
import type { SightingAnalyzer } from '../modules/sightings/sighting-analyzer.js';
import type { DomainEventBus } from '../infrastructure/events/domain-event-bus.js';

/** The services resolvers may call; each module adds its own here. */
export interface Services {
  health: HealthService;
  galleries: GalleriesService;
  identities: IdentitiesService;
  identityErasure: IdentityErasureService;
  auth: AuthService;
  users: UsersService;
  actorDirectory: ActorDirectoryService;
  apiKeys: ApiKeysService;
  audit: AuditService;
  uploads: UploadsService;
  images: ImagesService;
  enrollment: EnrollmentService;
  matching: MatchingService;
  reviews: ReviewsService;
  liveFeed: LiveFeedService;
  webhooks: WebhooksService;
  jobs: JobsService;
  bulkImport: BulkImportService;
  evaluation: EvaluationService;
  modelMigration: ModelMigrationService;
  cameras: CamerasService;
  sightings: SightingsService;
  /** The cameras' FrameAnalyzer: tracks faces and records sightings (main.ts hands it to the camera supervisor). */
  sightingAnalyzer: SightingAnalyzer;
  /**
   * Committed domain events: subscribe here (services.ts wires the modules' handlers); services
   * publish only through their unit of work, after the commit.
   */
  events: DomainEventBus;
}

/** Per-request GraphQL context. */
export interface AppContext {
  services: Services;
  actor: Actor;
  requestId: string;
  /** The raw HTTP exchange, for services that set cookies (sign-in, sign-out). */
  req: Request;
  res: Response;
}
