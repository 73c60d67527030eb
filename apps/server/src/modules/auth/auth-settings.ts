import { DEFAULT_API_KEY_RATE_LIMITS, type ApiKeyRateLimits } from './api-key-rate-limiter.js';
import type { SignInLimits } from './sign-in-limiter.js';

// Tunables of sign-in, sessions and API-key request limits, read from env.ts in main.ts; tests and the CLI use the defaults.

/** How sessions and their cookie behave. */
export interface AuthSettings {
  /** A session ends this long after its last use (sliding expiry), in milliseconds. */
  sessionTtlMs: number;
  /** When the cookie carries `Secure`: `auto` when the request came over https, or always, or never. */
  secureCookies: 'auto' | 'always' | 'never';
  /** Requests each API key may make; over it, requests get RATE_LIMITED. */
  apiKeyRateLimits: ApiKeyRateLimits;
  /** Sign-in attempts per email and per source; DEFAULT_SIGN_IN_LIMITS where absent (tests shrink them). */
  signInLimits?: Partial<SignInLimits>;
}

export const DEFAULT_AUTH_SETTINGS: AuthSettings = {
  sessionTtlMs: 12 * 60 * 60 * 1000,
  secureCookies: 'auto',
  apiKeyRateLimits: DEFAULT_API_KEY_RATE_LIMITS,
};
