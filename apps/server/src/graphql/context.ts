// What every resolver receives: the services of this server (resolvers stay thin and call them).
import type { HealthService } from '../modules/health/health.service.js';

/** The services resolvers may call. */
export interface Services {
  health: HealthService;
}

/** Per-request GraphQL context. */
export interface AppContext {
  services: Services;
  requestId: string;
}
