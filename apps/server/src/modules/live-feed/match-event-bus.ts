// This process's subscribers of committed match events: LiveFeedService.push() publishes each
// gallery event here once (it arrives from the domain event bus, whichever process committed it);
// subscriptions read it as an async iterator per gallery, the webhook worker listens to all of it.
// Nothing is stored here: a subscriber that connects later misses earlier events.
import type { MatchRecorded } from '../../infrastructure/events/domain-events.js';

/** A committed match event of a gallery as pushed live: ids, the decision and the top candidate, no images or embeddings. */
export type LiveMatchEventModel = Omit<MatchRecorded, 'type' | 'galleryId' | 'galleryName'> & {
  galleryId: string;
  galleryName: string;
};

/**
 * The live form of a MatchRecorded (the matchEvents payload and webhooks' `data`, fields in this
 * order); null for an event without a gallery (compareFaces, detectFaces).
 */
export function toLiveMatchEvent(event: MatchRecorded): LiveMatchEventModel | null {
  if (event.galleryId === null || event.galleryName === null) return null;
  return {
    eventId: event.eventId,
    kind: event.kind,
    decision: event.decision,
    galleryId: event.galleryId,
    galleryName: event.galleryName,
    topCandidate: event.topCandidate,
    createdAt: event.createdAt,
  };
}

/** Called with every published event; must not throw (errors are the listener's to log). */
export type MatchEventListener = (event: LiveMatchEventModel) => void;

/** Events queued for one slow subscriber before the oldest are dropped, so one stuck socket cannot grow memory without bound. */
export const SUBSCRIBER_QUEUE_LIMIT = 1000;

export class MatchEventBus {
  private readonly listeners = new Set<MatchEventListener>();

  /** Hands `event` to every listener and subscriber, synchronously. */
  publish(event: LiveMatchEventModel): void {
    for (const listener of [...this.listeners]) listener(event);
  }

  /** Adds a listener of every event; returns its removal. */
  listen(listener: MatchEventListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Number of listeners and subscribers now attached (for tests and diagnostics). */
  get listenerCount(): number {
    return this.listeners.size;
  }

  /**
   * The events accepted by `filter` from now on, as an async iterator; `return()` (a `break` of a
   * `for await`, or graphql-ws completing the subscription) detaches it.
   */
  subscribe(filter: (event: LiveMatchEventModel) => boolean): AsyncIterableIterator<LiveMatchEventModel> {
    const queue: LiveMatchEventModel[] = [];
    let waiting: ((result: IteratorResult<LiveMatchEventModel>) => void) | null = null;
    let done = false;
    const detach = this.listen((event) => {
      if (done || !filter(event)) return;
      if (waiting) {
        const resolve = waiting;
        waiting = null;
        resolve({ value: event, done: false });
        return;
      }
      queue.push(event);
      if (queue.length > SUBSCRIBER_QUEUE_LIMIT) queue.shift();
    });
    const finish = (): Promise<IteratorResult<LiveMatchEventModel>> => {
      done = true;
      detach();
      queue.length = 0;
      if (waiting) {
        const resolve = waiting;
        waiting = null;
        resolve({ value: undefined, done: true });
      }
      return Promise.resolve({ value: undefined, done: true });
    };
    return {
      next() {
        const event = queue.shift();
        if (event) return Promise.resolve({ value: event, done: false });
        if (done) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => {
          waiting = resolve;
        });
      },
      return: finish,
      throw(error?: unknown) {
        void finish();
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }
}
