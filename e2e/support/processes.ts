// Child processes for the run: spawned with their output in a log file, waited for over HTTP, and
// stopped with SIGTERM (then SIGKILL) so the next run finds the ports and files free.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import net from 'node:net';

/** A started child whose output goes to `logFile`. */
export interface ManagedProcess {
  name: string;
  child: ChildProcess;
  logFile: string;
  /** Exit code or signal once it has exited, else null. */
  exited(): string | null;
  /** Stops the process: SIGTERM, then SIGKILL after `graceMs`; resolves to how it exited. */
  stop(graceMs?: number): Promise<string>;
}

/** Options for {@link startProcess}. */
export interface StartOptions {
  name: string;
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  logFile: string;
}

/** Asks the kernel for a free loopback port. */
export async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('No free port was assigned.'))));
    });
  });
}

export function startProcess({ name, command, args, cwd, env, logFile }: StartOptions): ManagedProcess {
  const fd = openSync(logFile, 'w');
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  let exit: string | null = null;
  const exitedPromise = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exit = signal ?? `code ${code}`;
      resolve();
    });
  });
  // A run that dies without its teardown must not leave servers behind.
  const killOnExit = () => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL');
  process.once('exit', killOnExit);

  return {
    name,
    child,
    logFile,
    exited: () => exit,
    async stop(graceMs = 20_000) {
      process.off('exit', killOnExit);
      if (exit === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exitedPromise;
        clearTimeout(timer);
      }
      return exit ?? 'unknown';
    },
  };
}

/** The last lines of a process's log, for error messages. */
export function logTail(processInfo: ManagedProcess, lines = 30): string {
  try {
    return readFileSync(processInfo.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * Polls `url` until `isReady` accepts the response. Fails early, with the log tail, when the process
 * exits, and after `timeoutMs` otherwise.
 */
export async function waitForHttp<T>(
  processInfo: ManagedProcess,
  url: string,
  isReady: (response: Response) => Promise<T | undefined>,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastProblem = 'no answer yet';
  while (Date.now() < deadline) {
    const exit = processInfo.exited();
    if (exit !== null) {
      throw new Error(
        `The ${processInfo.name} exited (${exit}) before ${url} answered. Its log (${processInfo.logFile}) ends with:\n${logTail(processInfo)}`,
      );
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      const value = await isReady(response);
      if (value !== undefined) return value;
      lastProblem = `answered ${response.status}`;
    } catch (error) {
      lastProblem = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(
    `The ${processInfo.name} did not become ready at ${url} within ${timeoutMs / 1000} s (${lastProblem}). Its log (${processInfo.logFile}) ends with:\n${logTail(processInfo)}`,
  );
}
