// Commands of `faceledger` that another package implements, git-style: `faceledger audit ...` runs
// the server's `faceledger-server audit ...` as a child process. This package imports nothing else
// from the repo, so it finds that command the way a shell would: in the node_modules/.bin folders
// above this file (the workspace root, or the project that installed FaceLedger), then on PATH.
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where `command` is: the first node_modules/.bin above `from`, else the first PATH entry holding it. */
export function findCommand(
  command: string,
  from: string,
  searchPath = process.env['PATH'] ?? '',
): string | null {
  const candidates: string[] = [];
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    candidates.push(path.join(dir, 'node_modules', '.bin', command));
    if (path.dirname(dir) === dir) break;
  }
  for (const dir of searchPath.split(path.delimiter)) if (dir) candidates.push(path.join(dir, command));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; try the next one
    }
  }
  return null;
}

/**
 * Runs `command args` with this process's terminal and working directory (so relative paths mean
 * what they meant to the caller) and resolves its exit code; 1 with a hint when it is not installed.
 */
export async function runDelegated(
  command: string,
  args: readonly string[],
  installHint: string,
): Promise<number> {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const found = findCommand(command, here);
  if (found === null) {
    process.stderr.write(`faceledger: ${command} was not found; ${installHint}\n`);
    return 1;
  }
  return new Promise((resolve) => {
    const child = spawn(found, args, { stdio: 'inherit' });
    child.on('error', (error) => {
      process.stderr.write(`faceledger: could not run ${found}: ${error.message}\n`);
      resolve(1);
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}
