// Picks where the sign-in and API-key limiters keep their counts: in PostgreSQL, shared by every
// server process on the database, or in memory for the embedded PGlite (one process only).
import type { Database } from '@faceledger/db';
import { ApiKeyRateLimiter, type ApiKeyRateLimitStore } from './api-key-rate-limiter.js';
import type { AuthSettings } from './auth-settings.js';
import { PostgresApiKeyRateLimiter } from './postgres-api-key-rate-limiter.js';
import { PostgresSignInLimiter } from './postgres-sign-in-limiter.js';
import { SignInLimiter, type SignInLimitStore } from './sign-in-limiter.js';

/** The two limiters AuthService counts requests with. */
export interface AuthLimiters {
  signIn: SignInLimitStore;
  apiKeys: ApiKeyRateLimitStore;
}

export function createAuthLimiters(db: Pick<Database, 'mode' | 'prisma'>, settings: AuthSettings): AuthLimiters {
  if (db.mode === 'postgres') {
    return {
      signIn: new PostgresSignInLimiter(db.prisma, settings.signInLimits),
      apiKeys: new PostgresApiKeyRateLimiter(db.prisma, settings.apiKeyRateLimits),
    };
  }
  return {
    signIn: new SignInLimiter(settings.signInLimits),
    apiKeys: new ApiKeyRateLimiter(settings.apiKeyRateLimits),
  };
}
