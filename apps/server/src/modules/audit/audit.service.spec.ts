import { describe, expect, it, vi } from 'vitest';
import { buildChain } from '../../../test/audit-fixtures.js';
import type { Actor } from '../auth/actor.js';
import type { ChainedAuditEntry } from './audit-chain.js';
import type { AuditEntryRow, AuditRepository } from './audit.repository.js';
import { AuditService, parseAuditFilter } from './audit.service.js';

const auditor: Actor = { kind: 'user', userId: 'u-aud', email: 'a@example.org', role: 'AUDITOR' };
const reviewer: Actor = { kind: 'user', userId: 'u-rev', email: 'r@example.org', role: 'REVIEWER' };
const readKey: Actor = { kind: 'apiKey', keyId: 'k1', scopes: ['read'], galleryId: null, createdById: 'u1' };

function toRow(entry: ChainedAuditEntry): AuditEntryRow {
  return {
    ...entry,
    seq: BigInt(entry.seq),
    at: new Date(entry.at),
    payload: entry.payload as AuditEntryRow['payload'],
  };
}

/** A repository over an in-memory chain, recording every batch it serves. */
function fakeRepository(chain: ChainedAuditEntry[]) {
  const rows = chain.map(toRow);
  const findBatch = vi.fn(async (options: Parameters<AuditRepository['findBatch']>[0]) => {
    const order = options.order ?? 'asc';
    const sorted = order === 'asc' ? rows : [...rows].reverse();
    return sorted
      .filter(
        (r) =>
          options.afterSeq === undefined ||
          (order === 'asc' ? r.seq > options.afterSeq : r.seq < options.afterSeq),
      )
      .filter((r) => options.throughSeq === undefined || r.seq <= options.throughSeq)
      .slice(0, options.limit);
  });
  const appendAlone = vi.fn(async () => ({ seq: BigInt(rows.length), hash: rows[rows.length - 1]!.hash }));
  const repository = {
    findBatch,
    appendAlone,
    count: vi.fn(async () => rows.length),
    findHead: vi.fn(async () => {
      const last = rows[rows.length - 1];
      return last ? { seq: last.seq, hash: last.hash } : null;
    }),
  };
  return { repository: repository as unknown as AuditRepository, findBatch, appendAlone };
}

describe('AuditService', () => {
  it('lets only ADMIN and AUDITOR read the ledger', async () => {
    const { repository, findBatch } = fakeRepository(buildChain(3));
    const service = new AuditService(repository);
    await expect(service.listEntries({ kind: 'anonymous' }, {})).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
    await expect(service.listEntries(reviewer, {})).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(service.listEntries(readKey, {})).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(service.verifyChain(reviewer)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(service.startExport(readKey, { format: 'csv', filter: {} })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(findBatch).not.toHaveBeenCalled();
    const page = await service.listEntries(auditor, { first: 2 });
    expect(page.edges.map((e) => e.node.seq)).toEqual(['3', '2']);
    expect(page.pageInfo.hasNextPage).toBe(true);
    expect(page.totalCount).toBe(0);
  });

  it('records the export before reading a row, then reads one batch per chunk pulled', async () => {
    const { repository, findBatch, appendAlone } = fakeRepository(buildChain(10));
    const service = new AuditService(repository, { batchSize: 3 });
    const exported = await service.startExport(auditor, { format: 'ndjson', filter: {} });
    expect(appendAlone).toHaveBeenCalledWith({
      actor: 'user:u-aud',
      action: 'audit.export',
      subject: 'audit:ledger',
      payload: { format: 'ndjson', filter: {} },
    });
    expect(findBatch).not.toHaveBeenCalled();
    const iterator = exported.chunks[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.value?.split('\n').filter(Boolean)).toHaveLength(3);
    expect(findBatch).toHaveBeenCalledTimes(1);
    await iterator.next();
    expect(findBatch).toHaveBeenCalledTimes(2);
    await iterator.return?.(undefined);
  });

  it('stops walking at the first break without reading further batches', async () => {
    const chain = buildChain(20);
    chain[4] = { ...chain[4]!, payload: { n: 0 } };
    const { repository, findBatch } = fakeRepository(chain);
    const report = await new AuditService(repository, { batchSize: 4 }).verifyChain(auditor);
    expect(report).toMatchObject({ ok: false, checked: 4, firstBrokenSeq: '5', headSeq: '20' });
    expect(findBatch).toHaveBeenCalledTimes(2);
  });

  it('reports an empty ledger as intact', async () => {
    const { repository } = fakeRepository([]);
    expect(await new AuditService(repository).verifyChain(auditor)).toEqual({
      ok: true,
      checked: 0,
      firstBrokenSeq: null,
      reason: null,
      headSeq: null,
      headHash: null,
    });
  });

  it('parses filters and refuses bad times and inverted ranges', () => {
    expect(parseAuditFilter({ from: '2026-01-01T00:00:00Z', galleryId: 'g1', actor: null })).toEqual({
      from: new Date('2026-01-01T00:00:00Z'),
      to: undefined,
      actor: undefined,
      action: undefined,
      subject: undefined,
      galleryId: 'g1',
    });
    expect(() => parseAuditFilter({ from: 'monday' })).toThrow(
      expect.objectContaining({ code: 'BAD_INPUT', details: { field: 'from' } }),
    );
    expect(() => parseAuditFilter({ from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' })).toThrow(
      /before/,
    );
    for (const field of ['actor', 'action', 'subject', 'galleryId'])
      for (const text of ['a\u0000b', 'a\ud800'])
        expect(() => parseAuditFilter({ [field]: text })).toThrow(
          expect.objectContaining({ code: 'BAD_INPUT', details: { field } }),
        );
  });
});
