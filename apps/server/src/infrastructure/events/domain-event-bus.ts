// Delivers committed domain events to their subscribers. UnitOfWork calls publish() after its
// transaction commits; modules subscribe once at wiring (services.ts). Two scopes:
// - 'publisher': runs once, in the process that committed, before publish() returns (queue webhook
//   deliveries: exactly once, and in the request's process, which has the event in hand);
// - 'every-process': runs in every server process, through the EventTransport (push to this
//   process's GraphQL subscribers).
// A handler that throws is logged and the others still run: the write has committed already.
import type { Logger } from 'pino';
import type { DomainEvent, DomainEventOf, DomainEventType } from './domain-events.js';
import type { EventTransport } from './event-transport.js';

/** Where a handler runs: once in the committing process, or in every server process. */
export type DeliveryScope = 'publisher' | 'every-process';

/** Called with each event it subscribed to. */
export type DomainEventHandler<E extends DomainEvent = DomainEvent> = (event: E) => void | Promise<void>;

/** Which events a handler takes and where it runs. */
export interface SubscribeOptions<K extends DomainEventType> {
  scope: DeliveryScope;
  /** Only these types (every type when absent). */
  types?: readonly K[];
}

interface Subscription {
  handler: DomainEventHandler;
  types: ReadonlySet<string> | null;
}

export class DomainEventBus {
  private readonly subscriptions: Record<DeliveryScope, Set<Subscription>> = {
    publisher: new Set(),
    'every-process': new Set(),
  };

  constructor(
    private readonly transport: EventTransport,
    private readonly logger: Logger,
  ) {
    transport.onReceive((event) => this.dispatch('every-process', event));
  }

  /** Adds `handler` for the events of `options.types` (all when absent) in `options.scope`; returns its removal. */
  subscribe<K extends DomainEventType = DomainEventType>(
    handler: DomainEventHandler<DomainEventOf<K>>,
    options: SubscribeOptions<K>,
  ): () => void {
    const subscription: Subscription = {
      handler: handler as DomainEventHandler,
      types: options.types ? new Set<string>(options.types) : null,
    };
    const set = this.subscriptions[options.scope];
    set.add(subscription);
    return () => {
      set.delete(subscription);
    };
  }

  /**
   * Delivers committed events in order: each one to the 'publisher' handlers here (awaited), then to
   * the transport for the 'every-process' handlers. Never throws; failures are logged.
   */
  async publish(events: readonly DomainEvent[]): Promise<void> {
    for (const event of events) {
      await this.dispatch('publisher', event);
      try {
        await this.transport.send(event);
      } catch (error) {
        this.logger.error(
          { err: error, type: event.type },
          'could not send a domain event to other processes',
        );
      }
    }
  }

  /** Handlers now subscribed in `scope` (diagnostics and tests). */
  subscriberCount(scope: DeliveryScope): number {
    return this.subscriptions[scope].size;
  }

  /** Stops the transport; events published afterwards reach only 'publisher' handlers. */
  async close(): Promise<void> {
    await this.transport.close();
  }

  private async dispatch(scope: DeliveryScope, event: DomainEvent): Promise<void> {
    for (const { handler, types } of [...this.subscriptions[scope]]) {
      if (types !== null && !types.has(event.type)) continue;
      try {
        await handler(event);
      } catch (error) {
        this.logger.error({ err: error, type: event.type, scope }, 'a domain event handler failed');
      }
    }
  }
}
