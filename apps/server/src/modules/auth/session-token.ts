// Session tokens: 32 random bytes in base64url, sent only in the HTTP-only cookie.
import { randomBytes } from 'node:crypto';

/** A new session token (43 characters of base64url). */
export function generateSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

/** True when `value` can be a session token, so junk cookies skip the database. */
export function isWellFormedSessionToken(value: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(value);
}
