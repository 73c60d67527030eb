// Tells a database outage (server down or unreachable, connections cut, database gone) from a bug,
// so every endpoint answers it as DATABASE_UNAVAILABLE (503 with Retry-After on REST) instead of
// INTERNAL. Prisma wraps what pg reports in several ways; each is recognised here, once.
import { AppError, ErrorCode } from './app-error.js';

/** Seconds a client should wait before retrying while the database is out. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/** Prisma error codes of a connection that could not be made, timed out or was closed. */
const PRISMA_CONNECTION_CODES: ReadonlySet<string> = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);

/** Driver adapter error kinds (@prisma/driver-adapter-utils) that mean the database is not there. */
const ADAPTER_OUTAGE_KINDS: ReadonlySet<string> = new Set([
  'DatabaseNotReachable',
  'DatabaseDoesNotExist',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
]);

/**
 * PostgreSQL SQLSTATEs of an outage: class 08 (connection exception), 57P01-57P03 (shut down,
 * crash, cannot connect now) and 53300 (too many connections).
 */
function isOutageSqlState(code: string): boolean {
  return code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || code === '53300';
}

/** Node's socket error codes for a server that is not there (also on an AggregateError of several addresses). */
const SOCKET_OUTAGE_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** Socket errors and pg's own messages for a connection that is gone. */
const OUTAGE_MESSAGE =
  /ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ETIMEDOUT|Connection terminated|Can't reach database server|Server has closed the connection|not queryable|Connection is closed|timeout exceeded when trying to connect/i;

/**
 * pg's own errors for a connection that died, which the driver adapter passes on unwrapped (no
 * name, no code); the wording is pg's, so nothing else throws them.
 */
const PG_CONNECTION_LOST =
  /^(Connection terminated( unexpectedly| due to connection timeout)?|Client has encountered a connection error and is not queryable|timeout exceeded when trying to connect)$/;

function adapterErrorOf(error: object): { kind?: unknown; code?: unknown } | undefined {
  const meta = (error as { meta?: { driverAdapterError?: { cause?: { kind?: unknown; code?: unknown } } } }).meta;
  if (meta?.driverAdapterError?.cause) return meta.driverAdapterError.cause;
  if ((error as { name?: unknown }).name === 'DriverAdapterError') {
    return (error as { cause?: { kind?: unknown; code?: unknown } }).cause;
  }
  return undefined;
}

/** An error thrown by Prisma or its driver adapter, i.e. by a database call (not by fetch or a file). */
function isPrismaError(error: object): boolean {
  const name = (error as { name?: unknown }).name;
  return typeof name === 'string' && (name.startsWith('PrismaClient') || name === 'DriverAdapterError');
}

/** pg's DatabaseError: a SQLSTATE the server sent. */
function isServerError(error: object): error is { code: string } {
  const { code, severity } = error as { code?: unknown; severity?: unknown };
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && typeof severity === 'string';
}

function isPrismaOutage(error: object): boolean {
  const { name, code, message } = error as { name?: unknown; code?: unknown; message?: unknown };
  if (name === 'PrismaClientInitializationError') return true;
  if (typeof code === 'string' && PRISMA_CONNECTION_CODES.has(code)) return true;
  const adapter = adapterErrorOf(error);
  if (adapter) {
    if (typeof adapter.kind === 'string' && ADAPTER_OUTAGE_KINDS.has(adapter.kind)) return true;
    return adapter.kind === 'postgres' && typeof adapter.code === 'string' && isOutageSqlState(adapter.code);
  }
  return typeof message === 'string' && OUTAGE_MESSAGE.test(message);
}

function isSocketOutage(error: object): boolean {
  const { code, message } = error as { code?: unknown; message?: unknown };
  return (typeof code === 'string' && SOCKET_OUTAGE_CODES.has(code)) || (typeof message === 'string' && OUTAGE_MESSAGE.test(message));
}

/**
 * True when `error` says the database cannot be reached or is gone: a Prisma error (or one in its
 * cause chain) of a lost connection, pg's error for a connection that died, or a PostgreSQL error
 * of a server going down. Socket errors
 * count only under Prisma's errors (a webhook's ECONNREFUSED is not a database outage), or with
 * `rawConnection` for code that talks to pg itself (the migrations at start).
 */
export function isDatabaseUnavailable(error: unknown, options: { rawConnection?: boolean } = {}): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    if (isPrismaError(current)) return isPrismaOutage(current);
    if (isServerError(current) && isOutageSqlState(current.code)) return true;
    const message = (current as { message?: unknown }).message;
    if (typeof message === 'string' && PG_CONNECTION_LOST.test(message)) return true;
    if (options.rawConnection && isSocketOutage(current)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** The AppError answered for a database outage; `cause` keeps the original for the log. */
export function databaseUnavailableError(cause: unknown): AppError {
  return new AppError(
    ErrorCode.DATABASE_UNAVAILABLE,
    `The database is not reachable right now; retry in ${DATABASE_RETRY_AFTER_SECONDS} seconds. If it lasts, check that the database server is running and reachable (GET /healthz).`,
    { retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS },
    { cause },
  );
}
