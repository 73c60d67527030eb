// What every resolver receives: who is calling and the services of this server. Resolvers stay
// thin: they pass ctx.actor and their arguments to a service, which authorizes and does the work.
import type { Request, Response } from 'express';
import type { Actor } from '../modules/auth/actor.js';
import type { HealthService } from '../modules/health/health.service.js';

/** The services resolvers may call; each module adds its own here. */
export interface Services {
  health: HealthService;
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
