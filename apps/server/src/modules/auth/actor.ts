// Who is making a request. Resolved once per request from the session cookie or the API key,
// then checked by every service through authorize().
import type { Role } from '@faceledger/db';
import type { NewAuditEntry } from '../audit/audit.repository.js';

/** Operations an API key can be scoped to. */
export const API_KEY_SCOPES = ['detect', 'verify', 'identify', 'enroll', 'read'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/** The caller of one request. */
export type Actor =
  | { kind: 'user'; userId: string; email: string; role: Role }
  | {
      kind: 'apiKey';
      keyId: string;
      scopes: readonly ApiKeyScope[];
      galleryId: string | null;
      createdById: string;
    }
  | { kind: 'anonymous' }
  | { kind: 'system' };

/** The actor as written into the audit ledger: "user:<id>", "key:<id>", "system" or "anonymous". */
export function actorRef(actor: Actor): string {
  switch (actor.kind) {
    case 'user':
      return `user:${actor.userId}`;
    case 'apiKey':
      return `key:${actor.keyId}`;
    default:
      return actor.kind;
  }
}

/** The ledger entry of `actor` doing `action` to `subject` ("<type>:<id>"), for tx.audit(). */
export function auditEntry(
  actor: Actor,
  action: string,
  subject: string,
  payload: Record<string, unknown>,
): NewAuditEntry {
  return { actor: actorRef(actor), action, subject, payload };
}
