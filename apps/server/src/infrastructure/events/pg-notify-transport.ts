// Domain events across the server processes on one PostgreSQL: every process LISTENs on one channel
// over a connection of its own (never one of the Prisma pool, which would hand it to queries), and
// send() NOTIFYs through a small pool of its own. The sender delivers to its own process directly,
// so its subscribers get their events while the listening connection is down, and it skips its own
// notifications when they come back. When the listening connection drops, it reconnects with
// backoff (250 ms doubling to 30 s); events NOTIFYed meanwhile are lost for this process, as the
// EventTransport contract allows. PostgreSQL only: PGlite is one session and one process, and keeps
// InProcessEventTransport.
//
// NOTIFY takes payloads under 8000 bytes. An event is its JSON (encodeDomainEvent refuses one over
// MAX_ENCODED_EVENT_BYTES = 7500; events carry ids and names of at most 200 characters, a few KB at
// worst) behind a 37-byte sender id. An event refused as too large still reaches this process's
// subscribers, and send() rejects so the bus logs it.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Logger } from 'pino';
import { decodeDomainEvent, encodeDomainEvent, type DomainEvent } from './domain-events.js';
import { InProcessEventTransport, type EventTransport, type ReceiveHandler } from './event-transport.js';

/** The channel every FaceLedger process of a database listens on. */
export const EVENT_CHANNEL = 'faceledger_events';

/** Reconnect delays of the listening connection. */
export interface ReconnectBackoff {
  firstMs: number;
  maxMs: number;
}

const DEFAULT_BACKOFF: ReconnectBackoff = { firstMs: 250, maxMs: 30_000 };

export class PgNotifyTransport implements EventTransport {
  /** Marks this process's notifications, so it does not deliver its own events twice. */
  private readonly senderId = randomUUID();
  private readonly sendPool: pg.Pool;
  private handler: ReceiveHandler | null = null;
  private listener: pg.Client | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private failures = 0;
  private closed = false;

  private constructor(
    private readonly connectionString: string,
    private readonly logger: Logger,
    private readonly backoff: ReconnectBackoff,
  ) {
    this.sendPool = new pg.Pool({ connectionString, max: 2 });
    // An idle pooled connection the server ends is dropped by the pool; the next send opens another.
    this.sendPool.on('error', (error) => this.logger.warn({ err: error }, 'an event-sending connection was lost'));
  }

  /** Connects and LISTENs; rejects when the database cannot be reached now (later drops reconnect). */
  static async start(
    connectionString: string,
    logger: Logger,
    backoff: ReconnectBackoff = DEFAULT_BACKOFF,
  ): Promise<PgNotifyTransport> {
    const transport = new PgNotifyTransport(connectionString, logger, backoff);
    try {
      await transport.listen();
    } catch (error) {
      await transport.close();
      throw error;
    }
    return transport;
  }

  onReceive(handler: ReceiveHandler): void {
    this.handler = handler;
  }

  async send(event: DomainEvent): Promise<void> {
    if (this.closed) throw new Error('The event transport is closed.');
    let failure: unknown = null;
    try {
      const payload = `${this.senderId}:${encodeDomainEvent(event)}`;
      await this.sendPool.query('SELECT pg_notify($1, $2)', [EVENT_CHANNEL, payload]);
    } catch (error) {
      failure = error;
    }
    await this.deliver(event);
    if (failure !== null) throw failure;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.handler = null;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    const listener = this.listener;
    this.listener = null;
    await listener?.end().catch(() => undefined);
    await this.sendPool.end().catch(() => undefined);
  }

  /** Whether the listening connection is up (diagnostics and tests). */
  get isListening(): boolean {
    return this.listener !== null;
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.connectionString });
    client.on('notification', (message) => void this.receive(message.payload ?? ''));
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, null));
    try {
      await client.connect();
      await client.query(`LISTEN ${EVENT_CHANNEL}`);
    } catch (error) {
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.listener = client;
    if (this.failures > 0) this.logger.info({ attempts: this.failures }, 'listening for domain events again');
    this.failures = 0;
  }

  /** The listening connection failed or ended: forget it and try again later, unless closing. */
  private lost(client: pg.Client, error: Error | null): void {
    if (this.listener !== client) return;
    this.listener = null;
    client.removeAllListeners('end');
    void client.end().catch(() => undefined);
    if (this.closed) return;
    this.logger.warn({ err: error }, 'the connection listening for domain events was lost; reconnecting');
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.reconnectTimer) return;
    const delay = Math.min(this.backoff.maxMs, this.backoff.firstMs * 2 ** this.failures);
    this.failures += 1;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.listen().catch((error: unknown) => {
        this.logger.warn({ err: error, attempts: this.failures }, 'could not listen for domain events yet');
        this.scheduleReconnect();
      });
    }, delay);
    this.reconnectTimer.unref();
  }

  private async receive(payload: string): Promise<void> {
    const separator = payload.indexOf(':');
    if (payload.slice(0, separator) === this.senderId) return;
    let event: DomainEvent;
    try {
      event = decodeDomainEvent(payload.slice(separator + 1));
    } catch (error) {
      this.logger.warn({ err: error }, 'ignored a notification that is not a domain event');
      return;
    }
    await this.deliver(event);
  }

  private async deliver(event: DomainEvent): Promise<void> {
    // The same wire form as other processes receive, so this process sees what they see.
    await this.handler?.(decodeDomainEvent(JSON.stringify(event)));
  }
}

/** The transport of a server on `db`: LISTEN/NOTIFY on PostgreSQL, in-process on PGlite (one process). */
export async function startEventTransport(
  db: { mode: 'pglite' | 'postgres'; connectionString: string },
  logger: Logger,
): Promise<EventTransport> {
  return db.mode === 'postgres' ? PgNotifyTransport.start(db.connectionString, logger) : new InProcessEventTransport();
}
