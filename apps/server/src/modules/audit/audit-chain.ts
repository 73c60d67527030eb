// Checks a sequence of ledger entries against the chain rule, one entry at a time, so a caller can
// feed it batches from the database (verifyAuditChain) or rows from an export file (audit verify)
// without holding the ledger in memory.
import { GENESIS_HASH, hashAuditEntry, type AuditEntryContent } from './audit-hash.js';

/** An entry as hashed and exported: seq as a decimal string, at as ISO-8601 with milliseconds. */
export interface ChainedAuditEntry extends AuditEntryContent {
  prevHash: string;
  hash: string;
}

/** The first thing wrong in a walk. */
export interface ChainBreak {
  /** The seq at which the chain breaks (for a gap: the first missing seq). */
  seq: string;
  reason: string;
}

/** How strictly seq must advance. */
export type ChainContinuity =
  /** Every seq from 1 up, the first linking to GENESIS_HASH: the whole ledger. */
  | 'fromGenesis'
  /** Ascending seq with gaps allowed; entries adjacent in seq must still link (a filtered export). */
  | 'gapsAllowed';

/** True when the entry's stored hash is the hash of its own prevHash and content. */
export function hasValidHash(entry: ChainedAuditEntry): boolean {
  return hashAuditEntry(entry.prevHash, entry) === entry.hash;
}

/** Feeds entries in ascending seq; the first break is returned and remembered. */
export class AuditChainWalker {
  private previous: { seq: bigint; hash: string } | null = null;
  private brokenAt: ChainBreak | null = null;
  private count = 0;

  constructor(private readonly continuity: ChainContinuity) {}

  /** Entries accepted so far (a broken entry is not counted). */
  get checked(): number {
    return this.count;
  }

  get firstBreak(): ChainBreak | null {
    return this.brokenAt;
  }

  /** The last entry accepted. */
  get head(): { seq: string; hash: string } | null {
    return this.previous ? { seq: this.previous.seq.toString(), hash: this.previous.hash } : null;
  }

  /** Checks the next entry; returns the break it causes, or null. After a break it checks nothing. */
  accept(entry: ChainedAuditEntry): ChainBreak | null {
    if (this.brokenAt) return this.brokenAt;
    const problem = this.findProblem(entry);
    if (problem) {
      this.brokenAt = problem;
      return problem;
    }
    this.previous = { seq: BigInt(entry.seq), hash: entry.hash };
    this.count += 1;
    return null;
  }

  private findProblem(entry: ChainedAuditEntry): ChainBreak | null {
    if (!/^[1-9][0-9]*$/.test(entry.seq))
      return { seq: entry.seq, reason: `seq "${entry.seq}" is not a positive integer` };
    const seq = BigInt(entry.seq);
    const expected = (this.previous?.seq ?? 0n) + 1n;
    if (this.previous && seq <= this.previous.seq) {
      return {
        seq: entry.seq,
        reason: `seq ${seq} follows seq ${this.previous.seq}: entries are out of order or repeated`,
      };
    }
    if (this.continuity === 'fromGenesis' && seq !== expected) {
      return {
        seq: expected.toString(),
        reason: `entry ${expected} is missing (the next entry present is ${seq}): rows were deleted`,
      };
    }
    if (!hasValidHash(entry)) {
      return {
        seq: entry.seq,
        reason: `entry ${seq}'s hash does not match its content: its time, actor, action, subject, payload or prevHash was changed`,
      };
    }
    if (seq === 1n && entry.prevHash !== GENESIS_HASH) {
      return { seq: entry.seq, reason: 'entry 1 does not link to the genesis hash' };
    }
    if (this.previous && seq === expected && entry.prevHash !== this.previous.hash) {
      return {
        seq: entry.seq,
        reason: `entry ${seq}'s prevHash does not match the hash of entry ${this.previous.seq}: an earlier entry was rewritten or replaced`,
      };
    }
    return null;
  }
}
