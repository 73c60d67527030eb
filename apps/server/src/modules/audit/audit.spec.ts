import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TEST_DATABASE_MODES } from '@faceledger/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUserAndSignIn, type AuthHeaders } from '../../../test/auth-helpers.js';
import { readErrorResponse } from '../../../test/error-response.js';
import { startTestServer, type TestServer } from '../../../test/test-server.js';
import { runAuditVerify, type CommandOutput } from '../../cli/audit-commands.js';
import { encodeCursor } from '../../shared/relay-pagination.js';
import type { AuditExportManifest } from './audit-export-format.js';
import { AuditRepository } from './audit.repository.js';
import { hashAuditEntry } from './audit-hash.js';
import { AuditService } from './audit.service.js';

interface Node {
  seq: string;
  at: string;
  actor: string;
  action: string;
  subject: string;
  payload: Record<string, unknown>;
}
interface LogPage {
  auditLog: {
    edges: Array<{ node: Node; cursor: string }>;
    pageInfo: {
      hasNextPage: boolean;
      hasPreviousPage: boolean;
      startCursor: string | null;
      endCursor: string | null;
    };
    totalCount?: number;
  };
}

const AUDIT_LOG = `query Log($filter: AuditLogFilter, $order: AuditLogOrder, $first: Int, $after: String, $last: Int, $before: String) {
  auditLog(filter: $filter, order: $order, first: $first, after: $after, last: $last, before: $before) {
    edges { cursor node { seq at actor action subject payload prevHash hash } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    totalCount
  }
}`;
const VERIFY = `query Verify($anchorSeq: String, $anchorHash: String) {
  verifyAuditChain(anchorSeq: $anchorSeq, anchorHash: $anchorHash) { ok checked firstBrokenSeq reason headSeq headHash }
}`;

function captureOutput(): CommandOutput & { text: () => string } {
  let text = '';
  return { write: (t) => (text += t), writeError: (t) => (text += t), text: () => text };
}

describe.each(TEST_DATABASE_MODES)('audit ledger over HTTP on %s', (mode) => {
  let server: TestServer;
  let auditor: AuthHeaders;
  let reviewer: AuthHeaders;
  let dir: string;

  beforeAll(async () => {
    server = await startTestServer(mode);
    dir = await mkdtemp(path.join(tmpdir(), 'faceledger-audit-'));
    auditor = await createUserAndSignIn(server, 'AUDITOR');
    reviewer = await createUserAndSignIn(server, 'REVIEWER');
    const ledger = new AuditRepository(server.db.prisma);
    for (let i = 1; i <= 12; i += 1) {
      await ledger.appendAlone({
        actor: 'system',
        action: i % 3 === 0 ? 'test.special' : 'test.plain',
        subject: i === 5 ? 'gallery:g-1' : `thing:${i}`,
        payload: {
          i,
          ...(i % 2 === 0 ? { galleryId: 'g-1' } : { galleryId: 'g-2' }),
          note: 'a "quote", a comma\nand a newline',
        },
      });
    }
  });
  afterAll(async () => {
    await server?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const log = (variables: Record<string, unknown>, headers = auditor) =>
    server.graphql<LogPage>(AUDIT_LOG, variables, headers);

  it('pages the whole ledger newest first with cursors, and counts it', async () => {
    const total = await server.db.prisma.auditEntry.count();
    const seqs: string[] = [];
    let after: string | null = null;
    for (;;) {
      const body = await log({ first: 5, after });
      expect(body.errors).toBeUndefined();
      const page = body.data!.auditLog;
      expect(page.totalCount).toBe(total);
      seqs.push(...page.edges.map((e) => e.node.seq));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seqs).toEqual(Array.from({ length: total }, (_, i) => String(total - i)));

    const oldest = await log({ order: 'OLDEST_FIRST', first: 3 });
    expect(oldest.data!.auditLog.edges.map((e) => e.node.seq)).toEqual(['1', '2', '3']);
    const back = await log({
      order: 'OLDEST_FIRST',
      last: 2,
      before: oldest.data!.auditLog.edges[2]!.cursor,
    });
    expect(back.data!.auditLog.edges.map((e) => e.node.seq)).toEqual(['1', '2']);
    expect(back.data!.auditLog.pageInfo).toMatchObject({ hasPreviousPage: false, hasNextPage: true });
  });

  it('filters by action, gallery (subject or payload) and time range', async () => {
    const special = await log({ filter: { action: 'test.special' }, first: 50 });
    expect(special.data!.auditLog.edges.map((e) => e.node.payload.i)).toEqual([12, 9, 6, 3]);
    expect(special.data!.auditLog.totalCount).toBe(4);

    const gallery = await log({ filter: { galleryId: 'g-1' }, order: 'OLDEST_FIRST', first: 50 });
    expect(gallery.data!.auditLog.edges.map((e) => e.node.payload.i)).toEqual([2, 4, 5, 6, 8, 10, 12]);

    const rows = await server.db.prisma.auditEntry.findMany({ orderBy: { seq: 'asc' } });
    const from = rows[3]!.at;
    const to = rows[rows.length - 2]!.at;
    const expected = rows.filter((r) => r.at >= from && r.at < to).map((r) => r.seq.toString());
    const ranged = await log({
      filter: { from: from.toISOString(), to: to.toISOString() },
      order: 'OLDEST_FIRST',
      first: 100,
    });
    expect(ranged.data!.auditLog.edges.map((e) => e.node.seq)).toEqual(expected);
  });

  it('needs audit.read and answers bad input with BAD_INPUT', async () => {
    expect((await log({ first: 1 }, reviewer)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await log({ first: 1 }, {})).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await server.graphql(VERIFY, {}, reviewer)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await log({ first: 1, after: 'nonsense' })).errors?.[0]?.extensions?.code).toBe('BAD_INPUT');
    expect((await log({ first: 1, filter: { from: 'yesterday' } })).errors?.[0]?.extensions?.code).toBe(
      'BAD_INPUT',
    );
  });

  it('exports NDJSON that verifies offline, records the export, and fails after a one-byte edit', async () => {
    const response = await fetch(`${server.url}/api/audit/export?format=ndjson`, { headers: auditor });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/ndjson/);
    expect(response.headers.get('content-disposition')).toMatch(
      /attachment; filename="faceledger-audit-.*\.ndjson"/,
    );
    const text = await response.text();
    const lines = text.trimEnd().split('\n');
    const manifest = (JSON.parse(lines[lines.length - 1]!) as { manifest: AuditExportManifest }).manifest;
    const lastRow = JSON.parse(lines[lines.length - 2]!) as Node;
    expect(lastRow).toMatchObject({
      seq: manifest.exportSeq,
      action: 'audit.export',
      payload: { format: 'ndjson', filter: {} },
    });
    expect(manifest).toMatchObject({
      complete: true,
      count: lines.length - 1,
      first: { seq: '1' },
      throughSeq: lastRow.seq,
    });

    const file = path.join(dir, 'full.ndjson');
    await writeFile(file, text);
    const ok = captureOutput();
    expect(await runAuditVerify(file, ok)).toBe(0);
    expect(ok.text()).toMatch(/^OK .*complete chain from genesis/);

    // One byte of row 7's payload: "i":7 becomes "i":8.
    const target = lines.findIndex((l) => l.startsWith('{"seq":"7",'));
    const edited = [...lines];
    edited[target] = edited[target]!.replace(/"i":(\d+)/, (_m, n: string) => `"i":${Number(n) + 1}`);
    const tampered = path.join(dir, 'tampered.ndjson');
    await writeFile(tampered, `${edited.join('\n')}\n`);
    const failed = captureOutput();
    expect(await runAuditVerify(tampered, failed)).toBe(1);
    expect(failed.text()).toContain(`line ${target + 1}, seq 7: entry 7's hash does not match its content`);
  });

  it('exports a filtered CSV (gallery) that verifies as a partial chain', async () => {
    const response = await fetch(`${server.url}/api/audit/export?format=csv&galleryId=g-1`, {
      headers: auditor,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/csv/);
    const text = await response.text();
    expect(text.split('\n')[0]).toBe('seq,at,actor,action,subject,payload,prevHash,hash');
    const file = path.join(dir, 'gallery.csv');
    await writeFile(file, text);
    const out = captureOutput();
    expect(await runAuditVerify(file, out)).toBe(0);
    expect(out.text()).toMatch(/OK .*: 7 rows .*csv; verified a filtered export \{"galleryId":"g-1"\}/);

    const edited = text.replace(',thing:6,', ',thing:7,');
    await writeFile(file, edited);
    const failed = captureOutput();
    expect(await runAuditVerify(file, failed)).toBe(1);
    expect(failed.text()).toMatch(/line \d+, seq \d+: entry \d+'s hash does not match/);
    expect((await readFile(file, 'utf8')).length).toBe(text.length);
  });

  it('exports a time range, and refuses callers without audit.export and malformed queries', async () => {
    const rows = await server.db.prisma.auditEntry.findMany({ orderBy: { seq: 'asc' }, take: 8 });
    const query = `from=${encodeURIComponent(rows[2]!.at.toISOString())}&to=${encodeURIComponent(rows[7]!.at.toISOString())}`;
    const text = await (await fetch(`${server.url}/api/audit/export?${query}`, { headers: auditor })).text();
    const file = path.join(dir, 'range.ndjson');
    await writeFile(file, text);
    expect(await runAuditVerify(file, captureOutput())).toBe(0);

    const refusal = async (query: string, headers: AuthHeaders = {}) =>
      readErrorResponse(await fetch(`${server.url}/api/audit/export${query}`, { headers }));
    expect(await refusal('', reviewer)).toMatchObject({
      status: 403,
      extensions: { code: 'FORBIDDEN', permission: 'audit.export' },
    });
    expect(await refusal('')).toMatchObject({ status: 401, extensions: { code: 'UNAUTHENTICATED' } });
    const badFormat = await refusal('?format=xml', auditor);
    expect(badFormat).toMatchObject({ status: 400, extensions: { code: 'BAD_INPUT', field: 'format' } });
    expect(badFormat.message).toMatch(/use format=ndjson\|csv/);
    expect(await refusal('?from=soon', auditor)).toMatchObject({
      status: 400,
      extensions: { code: 'BAD_INPUT', field: 'from' },
    });
    // the query string does not pass GraphQL's input guard; the database cannot compare a NUL
    const nul = await refusal('?galleryId=g%00', auditor);
    expect(nul).toMatchObject({ status: 400, extensions: { code: 'BAD_INPUT', field: 'galleryId' } });
    expect(nul.message).toMatch(/NUL/);
  });

  it('refuses a cursor past the largest seq with BAD_INPUT', async () => {
    for (const [direction, seq] of [
      ['after', '9999999999999999999'],
      ['before', '9223372036854775808'],
    ] as const) {
      const body = await log({ [direction]: encodeCursor([seq]) });
      expect(body.errors?.[0]?.extensions?.code).toBe('BAD_INPUT');
      expect(body.errors?.[0]?.message).toMatch(/not a valid cursor/);
    }
    const largest = await log({ order: 'OLDEST_FIRST', after: encodeCursor(['9223372036854775807']) });
    expect(largest.errors).toBeUndefined();
    expect(largest.data!.auditLog.edges).toHaveLength(0);
  });

  describe('verifyAuditChain after tampering in the database', () => {
    const verify = async (anchor: { anchorSeq?: string; anchorHash?: string } = {}) => {
      const body = await server.graphql<{ verifyAuditChain: Record<string, unknown> }>(
        VERIFY,
        anchor,
        auditor,
      );
      expect(body.errors).toBeUndefined();
      return body.data!.verifyAuditChain;
    };

    /**
     * Runs `sql` against row `seq`, checks the verdict, then puts the row back as it was. The ledger's
     * append-only trigger refuses UPDATE and DELETE from every role, so this test (as the superuser
     * or table owner it connects as) disables it for the tampering and enables it again afterwards:
     * detection must hold for whoever gets past the trigger.
     */
    async function tamperAndRestore(sql: string, seq: bigint, check: () => Promise<void>) {
      const prisma = server.db.prisma;
      const original = await prisma.auditEntry.findUniqueOrThrow({ where: { seq } });
      await prisma.$executeRawUnsafe('ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_append_only');
      try {
        await prisma.$executeRawUnsafe(sql, seq);
        await check();
      } finally {
        await prisma.$executeRawUnsafe(
          `INSERT INTO audit_entries (seq, at, actor, action, subject, payload, prev_hash, hash)
           VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8)
           ON CONFLICT (seq) DO UPDATE SET at = EXCLUDED.at, actor = EXCLUDED.actor, action = EXCLUDED.action,
             subject = EXCLUDED.subject, payload = EXCLUDED.payload, prev_hash = EXCLUDED.prev_hash, hash = EXCLUDED.hash`,
          original.seq,
          original.at,
          original.actor,
          original.action,
          original.subject,
          JSON.stringify(original.payload),
          original.prevHash,
          original.hash,
        );
        await prisma.$executeRawUnsafe('ALTER TABLE audit_entries ENABLE TRIGGER audit_entries_append_only');
      }
    }

    it('is ok on the untouched ledger', async () => {
      const report = await verify();
      const head = await server.db.prisma.auditEntry.findFirstOrThrow({ orderBy: { seq: 'desc' } });
      expect(report).toEqual({
        ok: true,
        checked: Number(head.seq),
        firstBrokenSeq: null,
        reason: null,
        headSeq: head.seq.toString(),
        headHash: head.hash,
      });
    });

    it.each([
      ['payload', `UPDATE audit_entries SET payload = jsonb_set(payload, '{i}', '99') WHERE seq = $1`],
      ['actor', `UPDATE audit_entries SET actor = 'user:mallory' WHERE seq = $1`],
      ['at', `UPDATE audit_entries SET at = at + interval '1 millisecond' WHERE seq = $1`],
      ['subject', `UPDATE audit_entries SET subject = 'thing:0' WHERE seq = $1`],
      ['hash', `UPDATE audit_entries SET hash = repeat('0', 64) WHERE seq = $1`],
    ])('detects a changed %s and names the row', async (_column, sql) => {
      await tamperAndRestore(sql, 6n, async () => {
        expect(await verify()).toMatchObject({
          ok: false,
          checked: 5,
          firstBrokenSeq: '6',
          reason: expect.stringMatching(/hash does not match/),
        });
      });
      expect(await verify()).toMatchObject({ ok: true });
    });

    it('detects a deleted row, walking in batches across it', async () => {
      const service = new AuditService(new AuditRepository(server.db.prisma), { batchSize: 4 });
      await tamperAndRestore('DELETE FROM audit_entries WHERE seq = $1', 9n, async () => {
        expect(await verify()).toMatchObject({
          ok: false,
          checked: 8,
          firstBrokenSeq: '9',
          reason: expect.stringMatching(/missing/),
        });
        expect(await service.verifyChain({ kind: 'system' })).toMatchObject({
          ok: false,
          checked: 8,
          firstBrokenSeq: '9',
        });
      });
      await tamperAndRestore(`UPDATE audit_entries SET subject = 'thing:x' WHERE seq = $1`, 10n, async () => {
        expect(await service.verifyChain({ kind: 'system' })).toMatchObject({
          ok: false,
          checked: 9,
          firstBrokenSeq: '10',
        });
      });
      expect(await service.verifyChain({ kind: 'system' })).toMatchObject({ ok: true });
    });

    it('catches a truncated or rewritten tail only against an anchor from an earlier report', async () => {
      const before = await verify();
      const anchor = { anchorSeq: before.headSeq as string, anchorHash: before.headHash as string };
      expect(await verify(anchor)).toMatchObject({ ok: true });
      const head = BigInt(anchor.anchorSeq);

      await tamperAndRestore('DELETE FROM audit_entries WHERE seq = $1', head, async () => {
        // Without an anchor a ledger cut at the end is still a valid chain.
        expect(await verify()).toMatchObject({ ok: true, headSeq: String(head - 1n) });
        expect(await verify(anchor)).toMatchObject({
          ok: false,
          firstBrokenSeq: anchor.anchorSeq,
          reason: expect.stringMatching(/deleted from the end/),
        });
      });

      // A forger who rewrites the last entry and recomputes its hash keeps the chain consistent.
      const row = await server.db.prisma.auditEntry.findUniqueOrThrow({ where: { seq: head } });
      const forged = {
        seq: row.seq.toString(),
        at: row.at.toISOString(),
        actor: row.actor,
        action: row.action,
        subject: row.subject,
        payload: { forged: true },
      };
      const forgedHash = hashAuditEntry(row.prevHash, forged);
      const sql = `UPDATE audit_entries SET payload = '{"forged":true}'::jsonb, hash = '${forgedHash}' WHERE seq = $1`;
      await tamperAndRestore(sql, head, async () => {
        expect(await verify()).toMatchObject({ ok: true });
        expect(await verify(anchor)).toMatchObject({
          ok: false,
          reason: expect.stringMatching(/no longer has the anchor's hash/),
        });
      });
      expect((await server.graphql(VERIFY, { anchorSeq: '1' }, auditor)).errors?.[0]?.extensions?.code).toBe(
        'BAD_INPUT',
      );
    });
  });
});
