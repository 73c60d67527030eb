// Ledger data for the audit tests: valid hash chains built in memory, and export files written from
// them, so the pure checks run without a database.
import type { ChainedAuditEntry } from '../src/modules/audit/audit-chain.js';
import { GENESIS_HASH, hashAuditEntry } from '../src/modules/audit/audit-hash.js';

/** A valid chain of `n` entries, seq 1..n. */
export function buildChain(
  n: number,
  payloadOf: (seq: number) => Record<string, unknown> = (seq) => ({ n: seq }),
): ChainedAuditEntry[] {
  const entries: ChainedAuditEntry[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq += 1) {
    const content = {
      seq: String(seq),
      at: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(),
      actor: 'user:u1',
      action: 'test.act',
      subject: `thing:${seq}`,
      payload: payloadOf(seq),
    };
    const hash = hashAuditEntry(prevHash, content);
    entries.push({ ...content, prevHash, hash });
    prevHash = hash;
  }
  return entries;
}
