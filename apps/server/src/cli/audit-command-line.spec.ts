// The documented offline verifier, run the way people run it: `npx faceledger audit verify FILE`
// (the recognition package's bin hands `audit` to this package's faceledger-server bin) and
// `npm run audit:verify -w @faceledger/server -- FILE`, both from a folder outside apps/server with
// a relative FILE. Needs the built dist/ of both packages (turbo builds before test) and the bins
// npm links at install.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildChain } from '../../test/audit-fixtures.js';
import { writeAuditExport } from '../modules/audit/audit-export-format.js';
import { resolveAgainst } from './audit-commands.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const BIN = path.join(ROOT, 'node_modules', '.bin');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], cwd: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { cwd, env: { ...process.env, npm_config_update_notifier: 'false' } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

async function exportOf(entries = buildChain(5)): Promise<string> {
  async function* batches() {
    yield entries;
  }
  let text = '';
  const last = entries[entries.length - 1]!;
  for await (const chunk of writeAuditExport('ndjson', batches(), {
    exportedAt: '2026-02-01T00:00:00.000Z',
    exportedBy: 'user:auditor',
    exportSeq: last.seq,
    throughSeq: last.seq,
    filter: {},
    complete: true,
  }))
    text += chunk;
  return text;
}

describe('faceledger audit verify from anywhere', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'faceledger-audit-cli-'));
    const good = await exportOf();
    await writeFile(path.join(dir, 'good.ndjson'), good);
    await writeFile(path.join(dir, 'tampered.ndjson'), good.replace('"n":3', '"n":4'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is linked by npm as the faceledger and faceledger-server commands', async () => {
    const help = await run(path.join(BIN, 'faceledger'), ['--help'], dir);
    expect(help.stdout).toContain('audit');
    const server = await run(path.join(BIN, 'faceledger-server'), ['audit', 'verify', '--help'], dir);
    expect(server.code).toBe(0);
  });

  it('verifies a relative path through the faceledger bin, and fails a tampered file with exit code 1', async () => {
    const ok = await run(path.join(BIN, 'faceledger'), ['audit', 'verify', 'good.ndjson'], dir);
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toMatch(/^OK good\.ndjson: 5 rows \(seq 1\.\.5\), ndjson; verified the complete chain/);
    expect(ok.code).toBe(0);

    const bad = await run(path.join(BIN, 'faceledger'), ['audit', 'verify', 'tampered.ndjson'], dir);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^FAILED tampered\.ndjson: line \d+, seq 3: /);
  });

  it('verifies a relative path through npm run audit:verify from outside apps/server', async () => {
    const ok = await run(
      'npm',
      ['--prefix', ROOT, 'run', '--silent', 'audit:verify', '-w', '@faceledger/server', '--', 'good.ndjson'],
      dir,
    );
    expect(ok.stdout).toContain(`OK ${path.join(dir, 'good.ndjson')}: 5 rows`);
    expect(ok.code).toBe(0);
  });

  it('resolves against --base only for relative paths', () => {
    expect(resolveAgainst('/data/exports', 'a.ndjson')).toBe('/data/exports/a.ndjson');
    expect(resolveAgainst('/data/exports', '/tmp/a.ndjson')).toBe('/tmp/a.ndjson');
    expect(resolveAgainst('', 'a.ndjson')).toBe('a.ndjson');
    expect(resolveAgainst(undefined, 'a.ndjson')).toBe('a.ndjson');
  });
});
