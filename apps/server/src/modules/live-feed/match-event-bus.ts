// The in-process bus of committed match events: the live feed publishes each event once after its
// transaction commits; subscriptions read it as an async iterator per gallery, the webhook worker
// listens to all of it. Nothing is stored here: a subscriber that connects later misses earlier events.
import type { MatchDecision, MatchKind } from '@faceledger/db';

/** A committed match event as pushed live: ids, the decision and the top candidate, no images or embeddings. */
export interface LiveMatchEventModel {
  eventId: string;
  kind: MatchKind;
  decision: MatchDecision;
  galleryId: string;
  galleryName: string;
  topCandidate: { identityId: string; displayName: string; externalId: string; score: number } | null;
  /** ISO-8601. */
  createdAt: string;
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
