// The webhook signature scheme, shared by the sender and by anyone checking a delivery:
// X-FaceLedger-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>, where timestamp
// is X-FaceLedger-Timestamp (Unix seconds) and body the raw request body. Signing the timestamp
// lets a receiver refuse replays older than a few minutes.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Prefix of webhook secrets, so a leaked one is recognisable. */
export const WEBHOOK_SECRET_PREFIX = 'whsec_';

/** A new random signing secret: whsec_ and 32 random bytes in base64url. */
export function generateWebhookSecret(): string {
  return WEBHOOK_SECRET_PREFIX + randomBytes(32).toString('base64url');
}

/** The X-FaceLedger-Signature value of `body` sent at `timestamp` (Unix seconds). */
export function signWebhookBody(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** True when `signature` is the signature of `body` at `timestamp` under `secret` (constant-time compare). */
export function isValidWebhookSignature(
  secret: string,
  timestamp: string,
  body: string,
  signature: string,
): boolean {
  const expected = Buffer.from(signWebhookBody(secret, timestamp, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
