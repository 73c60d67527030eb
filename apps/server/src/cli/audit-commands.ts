// `faceledger audit verify FILE`: checks an audit export offline (no server, no database) and exits
// 0 when it verifies, 1 with the first problem (line and seq) otherwise.
import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { splitLines, verifyAuditExport } from '../modules/audit/export-verifier.js';

/** Where the command writes; tests capture it. */
export interface CommandOutput {
  write(text: string): void;
  writeError(text: string): void;
}

const processOutput: CommandOutput = {
  write: (text) => process.stdout.write(text),
  writeError: (text) => process.stderr.write(text),
};

/** Verifies the export at `file`, reports to `output`, and returns the exit code. */
export async function runAuditVerify(file: string, output: CommandOutput = processOutput): Promise<number> {
  try {
    await access(file);
  } catch {
    output.writeError(`${file}: cannot read the file; pass the path of a file from GET /api/audit/export.\n`);
    return 1;
  }
  let result;
  try {
    result = await verifyAuditExport(() => splitLines(createReadStream(file)));
  } catch (error) {
    output.writeError(`${file}: ${(error as Error).message}\n`);
    return 1;
  }
  if (!result.ok) {
    const seq = result.seq !== undefined ? `, seq ${result.seq}` : '';
    output.writeError(`FAILED ${file}: line ${result.line}${seq}: ${result.problem}\n`);
    return 1;
  }
  const span = result.first && result.last ? `seq ${result.first.seq}..${result.last.seq}` : 'no rows';
  const scope = result.complete
    ? `the complete chain from genesis through seq ${result.manifest.throughSeq}`
    : `a filtered export ${JSON.stringify(result.manifest.filter)}: each row's hash, links between rows adjacent in seq, and the digest`;
  output.write(
    `OK ${file}: ${result.count} rows (${span}), ${result.format}; verified ${scope}.\n` +
      `Last hash ${result.last?.hash ?? '-'}: compare it with the live ledger to anchor this file.\n`,
  );
  return 0;
}

/** `file` as given when absolute or when there is no base (an empty base is none), else inside `base`. */
export function resolveAgainst(base: string | undefined, file: string): string {
  return base ? path.resolve(base, file) : file;
}

/** Adds the `audit` command group to the CLI. */
export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('The tamper-evident audit ledger');
  audit
    .command('verify')
    .description(
      'Check an audit export (NDJSON or CSV) offline: every hash, the links between rows, the manifest',
    )
    .argument('<file>', 'a file saved from GET /api/audit/export')
    .option(
      '--base <dir>',
      'resolve a relative FILE against this folder instead of the working directory (npm run passes where you ran npm)',
    )
    .action(async (file: string, options: { base?: string }) => {
      process.exitCode = await runAuditVerify(resolveAgainst(options.base, file));
    });
}
