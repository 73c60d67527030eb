import { type AuditEntryContent } from './audit-hash.js';
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
'fromGenesis'
/** Ascending seq with gaps allowed; entries adjacent in seq must still link (a filtered export). */
 | 'gapsAllowed';
/** True when the entry's stored hash is the hash of its own prevHash and content. */
export declare function hasValidHash(entry: ChainedAuditEntry): boolean;
/** Feeds entries in ascending seq; the first break is returned and remembered. */
export declare class AuditChainWalker {
    private readonly continuity;
    private previous;
    private brokenAt;
    private count;
    constructor(continuity: ChainContinuity);
    /** Entries accepted so far (a broken entry is not counted). */
    get checked(): number;
    get firstBreak(): ChainBreak | null;
    /** The last entry accepted. */
    get head(): {
        seq: string;
        hash: string;
    } | null;
    /** Checks the next entry; returns the break it causes, or null. After a break it checks nothing. */
    accept(entry: ChainedAuditEntry): ChainBreak | null;
    private findProblem;
}
