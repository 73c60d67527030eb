// `faceledger admin create --email X [--password-stdin]`: creates an ADMIN in the configured
// database (DATABASE_URL, or the embedded PGlite in FACELEDGER_DATA_DIR), audited as "system".
// Without --password-stdin it prompts twice on the terminal, echoing nothing.
import path from 'node:path';
import { openDatabase } from '@faceledger/db';
import type { Command } from 'commander';
import { pino } from 'pino';
import { loadEnv } from '../env.js';
import { standaloneUsersService } from '../modules/users/standalone-users.js';
import type { UsersService } from '../modules/users/users.service.js';
import { isAppError } from '../shared/app-error.js';

/** The terminal, as the command sees it; tests pass their own. */
export interface AdminCommandIo {
  write(text: string): void;
  writeError(text: string): void;
  /** Everything on stdin (for --password-stdin). */
  readStdin(): Promise<string>;
  /** Asks on the terminal without echo; null when stdin is not a terminal. */
  promptHidden: ((question: string) => Promise<string>) | null;
}

/** An open users service and how to close what it runs on. */
export interface UsersHandle {
  users: UsersService;
  close(): Promise<void>;
}

/** Creates the ADMIN `email` and returns the exit code. */
export async function runAdminCreate(
  options: { email: string; passwordStdin?: boolean },
  io: AdminCommandIo,
  openUsers: () => Promise<UsersHandle>,
): Promise<number> {
  const password = await readPassword(options.passwordStdin === true, io);
  if (password === null) return 1;
  const handle = await openUsers();
  try {
    const user = await handle.users.create(
      { kind: 'system' },
      { email: options.email, password, role: 'ADMIN' },
    );
    io.write(`Created admin ${user.email} (id ${user.id}). Sign in with this email and password.\n`);
    return 0;
  } catch (error) {
    if (!isAppError(error)) throw error;
    io.writeError(`${error.message}\n`);
    return 1;
  } finally {
    await handle.close();
  }
}

async function readPassword(fromStdin: boolean, io: AdminCommandIo): Promise<string | null> {
  if (fromStdin) {
    const text = await io.readStdin();
    const password = text.replace(/\r?\n$/, '');
    if (password.includes('\n')) {
      io.writeError('stdin holds more than one line; pipe only the password.\n');
      return null;
    }
    return password;
  }
  if (!io.promptHidden) {
    io.writeError('No terminal to ask for the password: pipe it in with --password-stdin.\n');
    return null;
  }
  const password = await io.promptHidden('Password (at least 12 characters): ');
  const again = await io.promptHidden('Same password again: ');
  if (password !== again) {
    io.writeError('The two passwords differ; run the command again.\n');
    return null;
  }
  return password;
}

/** Opens the database the server is configured for, quietly, and the users service on it. */
async function openConfiguredUsers(): Promise<UsersHandle> {
  const env = loadEnv();
  const db = await openDatabase({
    databaseUrl: env.DATABASE_URL,
    pgliteDir: path.join(env.FACELEDGER_DATA_DIR, 'pglite'),
    logger: pino({ level: 'warn' }),
  });
  const { prisma } = db;
  return {
    users: standaloneUsersService(prisma),
    close: () => db.close(),
  };
}

/** Reads a line from the terminal in raw mode, echoing nothing. */
function promptHiddenOnTerminal(question: string): Promise<string> {
  const stdin = process.stdin;
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n') {
          finish();
          resolve(value);
          return;
        }
        if (char === '\u0003' || char === '\u0004') {
          finish();
          reject(new Error('cancelled'));
          return;
        }
        value = char === '\u007f' || char === '\b' ? value.slice(0, -1) : value + char;
      }
    };
    process.stderr.write(question);
    stdin.setEncoding('utf8');
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on('data', onData);
  });
}

async function readAllStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

const processIo: AdminCommandIo = {
  write: (text) => process.stdout.write(text),
  writeError: (text) => process.stderr.write(text),
  readStdin: readAllStdin,
  promptHidden: process.stdin.isTTY ? promptHiddenOnTerminal : null,
};

/** Adds the `admin` command group to the CLI. */
export function registerAdminCommands(program: Command): void {
  const admin = program.command('admin').description('Users who sign in to the dashboard');
  admin
    .command('create')
    .description(
      'Create an ADMIN user in the configured database. With the embedded database (no DATABASE_URL), stop the server first.',
    )
    .requiredOption('--email <email>', "the admin's email, used to sign in")
    .option('--password-stdin', 'read the password from stdin instead of prompting')
    .action(async (options: { email: string; passwordStdin?: boolean }) => {
      process.exitCode = await runAdminCreate(options, processIo, openConfiguredUsers);
    });
}
