import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from './database-unavailable.js';

function named(name: string, fields: Record<string, unknown>, message = ''): Error {
  return Object.assign(Object.defineProperty(new Error(message), 'name', { value: name }), fields);
}

describe('isDatabaseUnavailable', () => {
  it('recognises the ways Prisma and pg report a database that is not there', () => {
    // What the driver adapter gives for a closed port, through a model call and through raw SQL.
    const adapter = { driverAdapterError: { name: 'DriverAdapterError', cause: { kind: 'DatabaseNotReachable', host: '127.0.0.1', port: 5999 } } };
    expect(isDatabaseUnavailable(named('PrismaClientKnownRequestError', { code: 'P1001', meta: adapter }))).toBe(true);
    expect(isDatabaseUnavailable(named('PrismaClientKnownRequestError', { code: 'P2010', meta: adapter }))).toBe(true);
    expect(isDatabaseUnavailable(named('PrismaClientKnownRequestError', { code: 'P2010', meta: { driverAdapterError: { cause: { kind: 'ConnectionClosed' } } } }))).toBe(true);
    expect(isDatabaseUnavailable(named('PrismaClientKnownRequestError', { code: 'P2010', meta: { driverAdapterError: { cause: { kind: 'postgres', code: '57P01' } } } }))).toBe(true);
    expect(isDatabaseUnavailable(named('PrismaClientUnknownRequestError', {}, 'Connection terminated unexpectedly'))).toBe(true);
    expect(isDatabaseUnavailable(named('PrismaClientInitializationError', {}))).toBe(true);
    expect(isDatabaseUnavailable(new Error('wrapped', { cause: named('PrismaClientKnownRequestError', { code: 'P1017' }) }))).toBe(true);
    // pg's own error for a pooled connection that died, passed on unwrapped by the adapter.
    expect(isDatabaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    // pg's DatabaseError of a server shutting down.
    expect(isDatabaseUnavailable(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01', severity: 'FATAL' }))).toBe(true);
  });

  it('leaves bugs, constraint violations and outages of other services alone', () => {
    expect(isDatabaseUnavailable(new Error('Cannot read properties of undefined'))).toBe(false);
    expect(isDatabaseUnavailable(named('PrismaClientKnownRequestError', { code: 'P2002', meta: { driverAdapterError: { cause: { kind: 'UniqueConstraintViolation' } } } }))).toBe(false);
    expect(isDatabaseUnavailable(named('PrismaClientKnownRequestError', { code: 'P2010', meta: { driverAdapterError: { cause: { kind: 'postgres', code: '22P02' } } } }))).toBe(false);
    // A webhook receiver that is down is not the database.
    const fetchFailed = new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED', syscall: 'connect' }) });
    expect(isDatabaseUnavailable(fetchFailed)).toBe(false);
    // ... unless the caller talks to pg itself (the migrations at start).
    expect(isDatabaseUnavailable(Object.assign(new AggregateError([], ''), { code: 'ECONNREFUSED' }), { rawConnection: true })).toBe(true);
  });
});
