// Wires repositories into services, once, for main.ts and for the integration tests alike.
// Each module adds its repository and service here.
import type { Database } from '@faceledger/db';
import type { Logger } from 'pino';
import type { Services } from './graphql/context.js';
import type { ImageStore } from './infrastructure/image-store/image-store.js';
import type { RecognitionRepository } from './infrastructure/recognition/recognition.repository.js';
import { ApiKeysRepository } from './modules/api-keys/api-keys.repository.js';
import { ApiKeysService } from './modules/api-keys/api-keys.service.js';
import { AuditRepository } from './modules/audit/audit.repository.js';
import { AuditService } from './modules/audit/audit.service.js';
import { DEFAULT_AUTH_SETTINGS, type AuthSettings } from './modules/auth/auth-settings.js';
import { AuthService } from './modules/auth/auth.service.js';
import { createAuthLimiters } from './modules/auth/auth-limiters.js';
import { SessionsRepository } from './modules/auth/sessions.repository.js';
import { GalleriesRepository } from './modules/galleries/galleries.repository.js';
import { GalleriesService } from './modules/galleries/galleries.service.js';
import { HealthService } from './modules/health/health.service.js';
import { IdentitiesRepository } from './modules/identities/identities.repository.js';
import { IdentitiesService } from './modules/identities/identities.service.js';
import { IdentityErasureRepository } from './modules/identities/identity-erasure.repository.js';
import { IdentityErasureService } from './modules/identities/identity-erasure.service.js';
import { UsersRepository } from './modules/users/users.repository.js';
import { UsersService } from './modules/users/users.service.js';
import { ActorDirectoryService } from './modules/users/actor-directory.service.js';
import { ImageRepository } from './infrastructure/image-store/image.repository.js';
import { EnrollmentRepository } from './modules/enrollment/enrollment.repository.js';
import { EnrollmentService } from './modules/enrollment/enrollment.service.js';
import { MatchingRepository } from './modules/matching/matching.repository.js';
import { MatchingService } from './modules/matching/matching.service.js';
import { ReviewsRepository } from './modules/reviews/reviews.repository.js';
import { ReviewsService } from './modules/reviews/reviews.service.js';
import { PendingUploadsRepository } from './modules/uploads/pending-uploads.repository.js';
import { UploadsService } from './modules/uploads/uploads.service.js';
import { ImagesRepository } from './modules/images/images.repository.js';
import { ImagesService } from './modules/images/images.service.js';
import { LiveFeedRepository } from './modules/live-feed/live-feed.repository.js';
import { LiveFeedService } from './modules/live-feed/live-feed.service.js';
import { MatchEventBus } from './modules/live-feed/match-event-bus.js';
import { WebhookDestinationPolicy } from './modules/live-feed/webhook-destination.js';
import { HttpWebhookSender } from './modules/live-feed/webhook-sender.js';
import { WebhooksRepository } from './modules/live-feed/webhooks.repository.js';
import { WebhooksService } from './modules/live-feed/webhooks.service.js';
import { JobsRepository } from './modules/jobs/jobs.repository.js';
import { JobsService } from './modules/jobs/jobs.service.js';
import { BulkImportService } from './modules/bulk-import/bulk-import.service.js';
import { EvaluationRepository } from './modules/evaluation/evaluation.repository.js';
import { EvaluationService } from './modules/evaluation/evaluation.service.js';
import { ModelMigrationRepository } from './modules/model-migration/model-migration.repository.js';
import { ModelMigrationService } from './modules/model-migration/model-migration.service.js';
import { DomainEventBus } from './infrastructure/events/domain-event-bus.js';
import { InProcessEventTransport } from './infrastructure/events/event-transport.js';
import { UnitOfWork } from './infrastructure/unit-of-work/unit-of-work.js';
import { CamerasRepository } from './modules/cameras/cameras.repository.js';
import { CamerasService } from './modules/cameras/cameras.service.js';
import { createSightings, type SightingsOptions } from './modules/sightings/sightings.wiring.js';

/** What the services are built from. */
export interface Infrastructure {
  db: Database;
  imageStore: ImageStore;
  recognition: RecognitionRepository;
  logger: Logger;
  version: string;
  /** Session lifetime and cookie flags; the defaults when absent (tests). */
  auth?: AuthSettings;
  /** Non-public networks webhooks may reach (FACELEDGER_WEBHOOK_ALLOWED_NETWORKS); none when absent. */
  webhookAllowedNetworks?: readonly string[];
  /** Where committed domain events go; an in-process bus when absent (one server process). */
  events?: DomainEventBus;
  /** FACELEDGER_FFMPEG_PATH; "ffmpeg" (on PATH) when absent. */
  ffmpegPath?: string;
  /** Sightings and alerts: the MQTT publisher (FACELEDGER_MQTT_URL) and alert settings; defaults when absent. */
  sightings?: SightingsOptions;
}

export function createServices(infra: Infrastructure): Services {
  const { prisma } = infra.db;
  const usersRepository = new UsersRepository(prisma);
  const sessionsRepository = new SessionsRepository(prisma);
  const apiKeysRepository = new ApiKeysRepository(prisma);
  const audit = new AuditRepository(prisma);
  const events =
    infra.events ?? new DomainEventBus(new InProcessEventTransport(), infra.logger.child({ module: 'events' }));
  // The one way to open a write transaction: tx.db for repositories, tx.audit(entry), tx.publish(event).
  const uow = new UnitOfWork(prisma, audit, events);
  const galleriesRepository = new GalleriesRepository(prisma);
  const identitiesRepository = new IdentitiesRepository(prisma);
  const erasureRepository = new IdentityErasureRepository(prisma, infra.imageStore);
  const images = new ImageRepository(prisma, infra.imageStore);
  const matchingRepository = new MatchingRepository(prisma);
  const uploads = new UploadsService(images, new PendingUploadsRepository(prisma));
  const recognitionDeps = {
    galleries: galleriesRepository,
    identities: identitiesRepository,
    recognition: infra.recognition,
    images,
    uploads,
    audit,
  };
  const liveFeedRepository = new LiveFeedRepository(prisma);
  const webhookDestinations = new WebhookDestinationPolicy(infra.webhookAllowedNetworks);
  const webhooks = new WebhooksService({
    webhooks: new WebhooksRepository(prisma),
    events: liveFeedRepository,
    galleries: galleriesRepository,
    uow,
    sender: new HttpWebhookSender(webhookDestinations),
    destinations: webhookDestinations,
    logger: infra.logger.child({ module: 'webhooks' }),
  });
  const liveFeed = new LiveFeedService({ galleries: galleriesRepository, bus: new MatchEventBus() });
  // Who takes which committed events: webhooks queue their deliveries once, in the process that
  // committed; the live feed pushes to the subscribers of every process.
  events.subscribe((event) => webhooks.enqueue(event).then(() => undefined), {
    scope: 'publisher',
    types: ['MatchRecorded'],
  });
  events.subscribe((event) => liveFeed.push(event), { scope: 'every-process', types: ['MatchRecorded'] });
  // Background jobs: each kind registers its handler; main.ts starts a runner over them.
  const jobsRepository = new JobsRepository(prisma);
  const jobs = new JobsService({ jobs: jobsRepository, uow, users: usersRepository });
  const galleries = new GalleriesService(galleriesRepository, uow, infra.recognition);
  const identities = new IdentitiesService(identitiesRepository, galleriesRepository, uow);
  const modelMigrations = new ModelMigrationRepository(prisma);
  const enrollment = new EnrollmentService({
    ...recognitionDeps,
    uow,
    enrollment: new EnrollmentRepository(prisma),
    matching: matchingRepository,
    migrations: modelMigrations,
  });
  const bulkImport = new BulkImportService({
    jobs,
    jobsRepository,
    galleries: galleriesRepository,
    identitiesRepository,
    identities,
    enrollment,
  });
  const evaluation = new EvaluationService({
    jobs,
    jobsRepository,
    galleries: galleriesRepository,
    galleriesService: galleries,
    uow,
    evaluation: new EvaluationRepository(infra.recognition),
  });
  jobs.registerHandler(bulkImport);
  jobs.registerHandler(evaluation);
  // Model migration: its job re-embeds a gallery's faces; in shadow mode identify also scores with it.
  const modelMigration = new ModelMigrationService({
    migrations: modelMigrations,
    jobs: jobsRepository,
    galleries: galleriesRepository,
    recognition: infra.recognition,
    images,
    uow,
    logger: infra.logger.child({ module: 'model-migration' }),
  });
  jobs.registerHandler(modelMigration);
  const cameras = new CamerasService(new CamerasRepository(prisma), uow, { ffmpegPath: infra.ffmpegPath ?? 'ffmpeg' });
  // Camera frames in, sightings and alerts out (MQTT subscribes to their events here).
  const { sightings, sightingAnalyzer } = createSightings(
    {
      prisma,
      events,
      galleries: galleriesRepository,
      identities: identitiesRepository,
      matching: matchingRepository,
      recognition: infra.recognition,
      images,
      uploads,
      enrollment,
      identitiesService: identities,
      uow,
      logger: infra.logger.child({ module: 'sightings' }),
    },
    infra.sightings,
  );
  return {
    health: new HealthService(infra.db, infra.recognition, infra.version, cameras, infra.sightings?.mqtt, infra.logger.child({ module: 'health' })),
    galleries,
    identities,
    identityErasure: new IdentityErasureService(
      identitiesRepository,
      erasureRepository,
      uow,
      infra.logger.child({ module: 'identity-erasure' }),
    ),
    auth: authService(infra, usersRepository, sessionsRepository, apiKeysRepository, uow),
    users: new UsersService(usersRepository, sessionsRepository, uow),
    actorDirectory: new ActorDirectoryService(usersRepository, apiKeysRepository),
    apiKeys: new ApiKeysService(apiKeysRepository, uow),
    audit: new AuditService(audit, { logger: infra.logger.child({ module: 'audit' }) }),
    uploads,
    images: new ImagesService(new ImagesRepository(infra.imageStore)),
    enrollment,
    matching: new MatchingService({ ...recognitionDeps, matching: matchingRepository, uow, shadow: modelMigration }),
    reviews: new ReviewsService({
      reviews: new ReviewsRepository(prisma),
      identities: identitiesRepository,
      matching: matchingRepository,
      galleries: galleriesRepository,
      migrations: modelMigrations,
      recognition: infra.recognition,
      images,
      uow,
      logger: infra.logger.child({ module: 'reviews' }),
    }),
    liveFeed,
    webhooks,
    jobs,
    bulkImport,
    evaluation,
    modelMigration,
    cameras,
    sightings,
    sightingAnalyzer,
    events,
  };
}

/** AuthService with its limiters in PostgreSQL (shared by every process) or, on PGlite, in memory. */
function authService(
  infra: Infrastructure,
  ...repositories: [UsersRepository, SessionsRepository, ApiKeysRepository, UnitOfWork]
): AuthService {
  const settings = infra.auth ?? DEFAULT_AUTH_SETTINGS;
  const limiters = createAuthLimiters(infra.db, settings);
  return new AuthService(...repositories, settings, limiters.signIn, undefined, limiters.apiKeys);
}
