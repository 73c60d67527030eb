// REST routes beside GraphQL (uploads, exports). Each module adds its router here; every route
// resolves the caller with the same actor resolution as GraphQL.
import { Router } from 'express';
import type { Services } from '../graphql/context.js';

export function createRestRouter(_services: Services): Router {
  const router = Router();
  return router;
}
