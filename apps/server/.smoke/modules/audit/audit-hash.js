// The ledger's chain rule, shared by the writer, the database check and the offline export check:
// hash = sha256(prevHash || canonical JSON of {seq, at, actor, action, subject, payload}).
import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';
/** prevHash of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);
export function hashAuditEntry(prevHash, entry) {
    const content = {
        seq: entry.seq,
        at: entry.at,
        actor: entry.actor,
        action: entry.action,
        subject: entry.subject,
        payload: entry.payload,
    };
    return createHash('sha256').update(prevHash).update(canonicalJson(content)).digest('hex');
}
//# sourceMappingURL=audit-hash.js.map