// How committed events reach every server process. The bus sends each event once, from the process
// that committed it; the transport hands it to the receive handler of every process (the sender's
// own included). In one process that is a function call (InProcessEventTransport); across processes
// on one PostgreSQL it is LISTEN/NOTIFY (pg-notify-transport.ts).
import { decodeDomainEvent, encodeDomainEvent, type DomainEvent } from './domain-events.js';

/** Called with each event the transport receives; errors are the handler's to log. */
export type ReceiveHandler = (event: DomainEvent) => Promise<void>;

/**
 * Carries domain events to every server process. Implementations encode with encodeDomainEvent and
 * decode with decodeDomainEvent (JSON, under MAX_ENCODED_EVENT_BYTES), deliver each event at most
 * once per process, and may lose events while a process is disconnected: subscribers that must not
 * miss one (webhooks) run in the publisher's process instead, or recover from the database.
 */
export interface EventTransport {
  /** Sends one event to every process; resolves once it is handed over (not once every process ran it). */
  send(event: DomainEvent): Promise<void>;
  /** Sets the one handler of events received by this process (the bus calls it once, at construction). */
  onReceive(handler: ReceiveHandler): void;
  /** Stops receiving and releases the connection; send() after close() rejects. */
  close(): Promise<void>;
}

/**
 * The transport of a single process: send() hands the event to this process's handler and waits for
 * it. The event goes through its wire form, so what works here also works across processes.
 */
export class InProcessEventTransport implements EventTransport {
  private handler: ReceiveHandler | null = null;
  private closed = false;

  async send(event: DomainEvent): Promise<void> {
    if (this.closed) throw new Error('The event transport is closed.');
    const received = decodeDomainEvent(encodeDomainEvent(event));
    await this.handler?.(received);
  }

  onReceive(handler: ReceiveHandler): void {
    this.handler = handler;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.handler = null;
  }
}
