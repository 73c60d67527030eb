import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildChain } from '../../../test/audit-fixtures.js';
import type { ChainedAuditEntry } from './audit-chain.js';
import { writeAuditExport, type AuditExportFormat, type AuditExportHeader } from './audit-export-format.js';
import { splitLines, verifyAuditExport } from './export-verifier.js';

async function* inBatches(entries: ChainedAuditEntry[], size: number): AsyncGenerator<ChainedAuditEntry[]> {
  for (let i = 0; i < entries.length; i += size) yield entries.slice(i, i + size);
}

async function exportText(
  format: AuditExportFormat,
  entries: ChainedAuditEntry[],
  header: Partial<AuditExportHeader> = {},
): Promise<string> {
  let text = '';
  const full: AuditExportHeader = {
    exportedAt: '2026-02-01T00:00:00.000Z',
    exportedBy: 'user:auditor',
    exportSeq: entries[entries.length - 1]?.seq ?? '1',
    throughSeq: entries[entries.length - 1]?.seq ?? '1',
    filter: {},
    complete: true,
    ...header,
  };
  for await (const chunk of writeAuditExport(format, inBatches(entries, 3), full)) text += chunk;
  return text;
}

async function verifyText(text: string) {
  return verifyAuditExport(() =>
    splitLines(
      (async function* () {
        yield Buffer.from(text, 'utf8');
      })(),
    ),
  );
}

/** Changes the character at `index` to another one of the same class, keeping the file's shape. */
function flipChar(text: string, index: number): string {
  const ch = text[index]!;
  const replacement = /[0-9]/.test(ch) ? String((Number(ch) + 1) % 10) : ch === 'a' ? 'b' : 'a';
  return text.slice(0, index) + replacement + text.slice(index + 1);
}

describe.each(['ndjson', 'csv'] as const)('audit export in %s', (format) => {
  const chain = buildChain(10, (seq) => ({
    n: seq,
    note: seq === 4 ? 'a "quoted",\nmulti-line, note' : 'plain',
    galleryId: seq % 2 === 0 ? 'g-even' : 'g-odd',
  }));

  it('verifies a complete export, and its digest is sha256 of the bytes before the manifest', async () => {
    const text = await exportText(format, chain);
    const result = await verifyText(text);
    expect(result).toMatchObject({
      ok: true,
      format,
      count: 10,
      complete: true,
      first: { seq: '1' },
      last: { seq: '10' },
    });
    const body = text.slice(0, text.lastIndexOf('\n', text.length - 2) + 1);
    expect(createHash('sha256').update(body).digest('hex')).toBe(result.ok && result.manifest.digest.value);
  });

  it('names the row when one byte of it is edited', async () => {
    const text = await exportText(format, chain);
    const lines = text.split('\n');
    const rowLine = lines.findIndex((l) => l.includes('"thing:6"') || l.includes(',thing:6,'));
    const lineStart = lines.slice(0, rowLine).reduce((n, l) => n + l.length + 1, 0);
    // The subject "thing:6" becomes "thing:7": still well-formed, but no longer what was hashed.
    const at = text.indexOf('thing:6', lineStart) + 'thing:'.length;
    const result = await verifyText(flipChar(text, at));
    expect(result).toMatchObject({ ok: false, line: rowLine + 1, seq: '6' });
    expect(!result.ok && result.problem).toMatch(/hash does not match/);
  });

  it('fails on a removed row, a truncated file and an edited manifest', async () => {
    const text = await exportText(format, chain);
    const lines = text.split('\n');
    const rowLine = lines.findIndex((l) => l.includes('thing:8'));
    const withoutRow = [...lines.slice(0, rowLine), ...lines.slice(rowLine + 1)].join('\n');
    expect(await verifyText(withoutRow)).toMatchObject({
      ok: false,
      seq: '8',
      problem: expect.stringMatching(/missing/),
    });

    const truncated = lines.slice(0, -2).join('\n') + '\n';
    expect(await verifyText(truncated)).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/not a manifest/),
    });

    const manifestLine = lines[lines.length - 2]!;
    const forgedCount = [...lines.slice(0, -2), manifestLine.replace('"count":10', '"count":9'), ''].join(
      '\n',
    );
    expect(await verifyText(forgedCount)).toMatchObject({
      ok: false,
      line: lines.length - 1,
      problem: expect.stringMatching(/counts 9 rows/),
    });

    const lastRowDropped = [...lines.slice(0, -3), manifestLine, ''].join('\n');
    expect(await verifyText(lastRowDropped)).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/digest/),
    });
  });

  it('verifies a filtered export with gaps, and refuses a row outside its filter', async () => {
    const even = chain.filter((e) => (e.payload as { galleryId: string }).galleryId === 'g-even');
    const header = { filter: { galleryId: 'g-even' }, complete: false, throughSeq: '10' };
    expect(await verifyText(await exportText(format, even, header))).toMatchObject({
      ok: true,
      count: 5,
      complete: false,
    });

    const mixed = [...even.slice(0, 2), chain[4]!];
    expect(await verifyText(await exportText(format, mixed, header))).toMatchObject({
      ok: false,
      seq: '5',
      problem: expect.stringMatching(/does not match the manifest's filter/),
    });

    const claimsComplete = { ...header, complete: true };
    expect(await verifyText(await exportText(format, even, claimsComplete))).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/complete export with a filter/),
    });
  });

  it('verifies an empty export and refuses an empty file', async () => {
    expect(
      await verifyText(await exportText(format, [], { filter: { action: 'none' }, complete: false })),
    ).toMatchObject({ ok: true, count: 0 });
    expect(await verifyText('')).toMatchObject({ ok: false, problem: 'the file is empty' });
  });
});

describe('export verifier', () => {
  it('refuses a complete export that stops before throughSeq (rows cut from the end)', async () => {
    const chain = buildChain(6);
    const text = await exportText('ndjson', chain.slice(0, 5), { throughSeq: '6' });
    expect(await verifyText(text)).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/through seq 6/),
    });
  });

  it('splits lines on \\n only, across chunk boundaries and multi-byte characters', async () => {
    const bytes = Buffer.from('a\r\nbé\nc', 'utf8');
    const chunks = (async function* () {
      for (const byte of bytes) yield Buffer.from([byte]);
    })();
    const lines: string[] = [];
    for await (const line of splitLines(chunks)) lines.push(line);
    expect(lines).toEqual(['a\r', 'bé', 'c']);
  });
});
