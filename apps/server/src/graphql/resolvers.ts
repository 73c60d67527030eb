// Every module's resolvers, merged into the one map Apollo Server takes, with the field-level
// guards of personal data on top (field-guards.ts).
import { apiKeysResolvers } from '../modules/api-keys/api-keys.resolvers.js';
import { auditResolvers } from '../modules/audit/audit.resolvers.js';
import { authResolvers } from '../modules/auth/auth.resolvers.js';
import { galleriesResolvers } from '../modules/galleries/galleries.resolvers.js';
import { healthResolvers } from '../modules/health/health.resolvers.js';
import { identitiesResolvers } from '../modules/identities/identities.resolvers.js';
import { usersResolvers } from '../modules/users/users.resolvers.js';
import { enrollmentResolvers } from '../modules/enrollment/enrollment.resolvers.js';
import { matchingResolvers } from '../modules/matching/matching.resolvers.js';
import { reviewsResolvers } from '../modules/reviews/reviews.resolvers.js';
import { liveFeedResolvers } from '../modules/live-feed/live-feed.resolvers.js';
import { jobsResolvers } from '../modules/jobs/jobs.resolvers.js';
import { modelMigrationResolvers } from '../modules/model-migration/model-migration.resolvers.js';
import { camerasResolvers } from '../modules/cameras/cameras.resolvers.js';
import { sightingsResolvers } from '../modules/sightings/sightings.resolvers.js';
import { withFieldGuards } from './field-guards.js';

export const resolvers = withFieldGuards([healthResolvers, galleriesResolvers, identitiesResolvers, authResolvers, usersResolvers, apiKeysResolvers, auditResolvers, enrollmentResolvers, matchingResolvers, reviewsResolvers, liveFeedResolvers, jobsResolvers, camerasResolvers, sightingsResolvers, modelMigrationResolvers]);
