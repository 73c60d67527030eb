// The one way session tokens and API keys are stored: their sha256, never the token itself. Both
// are 256-bit random values, so a fast hash is enough (no password stretching needed).
import { createHash, timingSafeEqual } from 'node:crypto';

/** Hex sha256 of a high-entropy token, as kept in the database. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Compares two hex digests in constant time. */
export function isSameTokenHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}
