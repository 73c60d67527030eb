import { describe, expect, it } from 'vitest';
import { AuditChainWalker, type ChainedAuditEntry } from './audit-chain.js';
import { buildChain } from '../../../test/audit-fixtures.js';
import { hashAuditEntry } from './audit-hash.js';

function walk(entries: ChainedAuditEntry[], continuity: 'fromGenesis' | 'gapsAllowed' = 'fromGenesis') {
  const walker = new AuditChainWalker(continuity);
  for (const entry of entries) if (walker.accept(entry)) break;
  return walker;
}

describe('AuditChainWalker', () => {
  it('accepts an intact chain from genesis and reports its head', () => {
    const chain = buildChain(5);
    const walker = walk(chain);
    expect(walker.firstBreak).toBeNull();
    expect(walker.checked).toBe(5);
    expect(walker.head).toEqual({ seq: '5', hash: chain[4]!.hash });
  });

  it.each([
    ['payload', (e: ChainedAuditEntry) => ({ ...e, payload: { n: 99 } })],
    ['actor', (e: ChainedAuditEntry) => ({ ...e, actor: 'user:mallory' })],
    ['at', (e: ChainedAuditEntry) => ({ ...e, at: '2026-01-01T00:00:03.001Z' })],
    ['action', (e: ChainedAuditEntry) => ({ ...e, action: 'test.other' })],
  ])('names the entry whose %s was changed', (_field, tamper) => {
    const chain = buildChain(5);
    chain[2] = tamper(chain[2]!);
    const walker = walk(chain);
    expect(walker.firstBreak?.seq).toBe('3');
    expect(walker.firstBreak?.reason).toMatch(/hash does not match its content/);
    expect(walker.checked).toBe(2);
  });

  it('catches a rewritten entry whose hash was recomputed at the next link', () => {
    const chain = buildChain(5);
    const forged = { ...chain[2]!, payload: { n: 99 } };
    chain[2] = { ...forged, hash: hashAuditEntry(forged.prevHash, forged) };
    expect(walk(chain).firstBreak).toMatchObject({
      seq: '4',
      reason: expect.stringMatching(/prevHash does not match/),
    });
  });

  it('names the first missing seq when a row was deleted', () => {
    const chain = buildChain(6);
    chain.splice(3, 1);
    expect(walk(chain).firstBreak).toMatchObject({ seq: '4', reason: expect.stringMatching(/missing/) });
    expect(walk(chain.slice(1)).firstBreak?.seq).toBe('1');
  });

  it('refuses entries out of order, and a first entry that does not link to genesis', () => {
    const chain = buildChain(4);
    expect(walk([chain[0]!, chain[2]!, chain[1]!], 'gapsAllowed').firstBreak?.seq).toBe('2');
    const first = { ...chain[0]!, prevHash: 'f'.repeat(64) };
    expect(walk([{ ...first, hash: hashAuditEntry(first.prevHash, first) }]).firstBreak?.reason).toMatch(
      /genesis/,
    );
  });

  it('with gaps allowed, still links rows adjacent in seq', () => {
    const chain = buildChain(8);
    const subset = [chain[1]!, chain[2]!, chain[5]!, chain[7]!];
    expect(walk(subset, 'gapsAllowed').firstBreak).toBeNull();
    expect(walk(subset, 'fromGenesis').firstBreak?.seq).toBe('1');
    const relinked = { ...chain[2]!, prevHash: 'a'.repeat(64) };
    const broken = [chain[1]!, { ...relinked, hash: hashAuditEntry(relinked.prevHash, relinked) }];
    expect(walk(broken, 'gapsAllowed').firstBreak?.seq).toBe('3');
  });
});
