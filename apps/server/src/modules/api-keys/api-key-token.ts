// The API key format: "fl_<prefix>_<secret>", 12 hex characters of lookup prefix and 32 random
// bytes of secret in base64url. The prefix ("fl_<prefix>") is kept in clear to find the row and to
// recognise a key in lists; the whole key is stored only as its sha256.
import { randomBytes } from 'node:crypto';

const API_KEY_PATTERN = /^(fl_[0-9a-f]{12})_[A-Za-z0-9_-]{43}$/;

/** A freshly made key: `key` is shown once, `prefix` is stored and shown again. */
export interface GeneratedApiKey {
  key: string;
  prefix: string;
}

export function generateApiKey(): GeneratedApiKey {
  const prefix = `fl_${randomBytes(6).toString('hex')}`;
  return { key: `${prefix}_${randomBytes(32).toString('base64url')}`, prefix };
}

/** The stored prefix of `key`, or null when it does not have the FaceLedger key format. */
export function parseApiKeyPrefix(key: string): string | null {
  return API_KEY_PATTERN.exec(key)?.[1] ?? null;
}
