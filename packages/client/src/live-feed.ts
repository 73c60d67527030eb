// The live feed over graphql-ws: one WebSocket per subscription, authenticated in connectionParams
// with the API key or, for a signed-in person, with the session cookie of the upgrade request.
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { FaceLedgerError, firstError, type GraphQLErrorEntry } from './errors.js';

/** Where and as whom to connect. */
export interface LiveFeedConnection {
  /** The server's http(s) origin; the socket goes to ws(s)://…/graphql. */
  url: string;
  apiKey?: string | undefined;
  sessionCookie?: string | undefined;
}

/** What a subscription calls back. */
export interface LiveFeedHandlers<T> {
  /** Each event, as the server pushes it. */
  next(event: T): void;
  /** A refusal (FORBIDDEN, NOT_FOUND, UNAUTHENTICATED for close code 4401) or a lost connection; nothing follows it. */
  error?(error: Error): void;
  /** The server ended the subscription. */
  complete?(): void;
}

/** A running subscription. */
export interface LiveFeedSubscription {
  /** Resolves once the server accepted the connection's credentials; rejects when it refused them. */
  readonly connected: Promise<void>;
  /** Stops the subscription and closes its socket. */
  unsubscribe(): void;
}

/** `ws`, with the session cookie on the upgrade request when there is one (Node 20 has no global WebSocket). */
function webSocketFor(sessionCookie: string | undefined): unknown {
  if (!sessionCookie) return WebSocket;
  return class CookieWebSocket extends WebSocket {
    constructor(address: string | URL, protocols?: string | string[]) {
      super(address, protocols, { headers: { cookie: sessionCookie } });
    }
  };
}

/** A closed socket's code as the error the HTTP API would answer. */
function errorOfClose(event: { code: number; reason: string }): Error {
  if (event.code === 4401) return new FaceLedgerError('UNAUTHENTICATED', event.reason, 401);
  if (event.code === 4403) return new FaceLedgerError('FORBIDDEN', event.reason, 403);
  return new Error(
    `The live feed connection closed (code ${event.code}${event.reason ? `: ${event.reason}` : ''}).`,
  );
}

function toError(error: unknown): Error {
  if (Array.isArray(error))
    return firstError(error as GraphQLErrorEntry[], 200) ?? new Error('subscription failed');
  if (error instanceof Error) return error;
  if (typeof error === 'object' && error !== null && 'code' in error)
    return errorOfClose(error as { code: number; reason: string });
  return new Error(String(error));
}

/** Subscribes to `query` and hands each `data[field]` to the handlers. */
export function subscribe<T>(
  connection: LiveFeedConnection,
  request: { query: string; variables: Record<string, unknown>; field: string },
  handlers: LiveFeedHandlers<T>,
): LiveFeedSubscription {
  let accepted: () => void = () => undefined;
  let refused: (error: Error) => void = () => undefined;
  const connected = new Promise<void>((resolve, reject) => {
    accepted = resolve;
    refused = reject;
  });
  // A rejection nobody awaits is not an unhandled one: the error also reaches handlers.error.
  connected.catch(() => undefined);
  const client: Client = createClient({
    url: `${connection.url.replace(/\/+$/, '').replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: webSocketFor(connection.sessionCookie),
    connectionParams: connection.apiKey ? { authorization: `Bearer ${connection.apiKey}` } : {},
    retryAttempts: 0,
    on: {
      connected: () => accepted(),
      closed: (event) => refused(toError(event)),
      error: (error) => refused(toError(error)),
    },
  });
  let ended = false;
  const end = (): void => {
    if (ended) return;
    ended = true;
    void client.dispose();
  };
  const stop = client.subscribe<Record<string, T>>(
    { query: request.query, variables: request.variables },
    {
      next: (result) => {
        const value = result.data?.[request.field];
        if (value !== undefined && value !== null) handlers.next(value);
        else if (result.errors) handlers.error?.(toError(result.errors));
      },
      error: (error) => {
        end();
        handlers.error?.(toError(error));
      },
      complete: () => {
        end();
        handlers.complete?.();
      },
    },
  );
  return {
    connected,
    unsubscribe: () => {
      stop();
      end();
    },
  };
}

/** A subscription as an async iterator; leaving a for-await loop (break, return, throw) unsubscribes. */
export interface LiveFeedIterator<T> extends AsyncGenerator<T, void, undefined> {
  /** Resolves once the server accepted the connection's credentials; rejects when it refused them. */
  readonly connected: Promise<void>;
}

/** Subscribes at once (so `connected` can be awaited before the first event) and queues events until read. */
export function iterate<T>(
  start: (handlers: LiveFeedHandlers<T>) => LiveFeedSubscription,
): LiveFeedIterator<T> {
  const queue: T[] = [];
  let failure: Error | null = null;
  let done = false;
  let wake: (() => void) | null = null;
  const signal = (): void => {
    wake?.();
    wake = null;
  };
  const subscription = start({
    next: (event) => {
      queue.push(event);
      signal();
    },
    error: (error) => {
      failure = error;
      signal();
    },
    complete: () => {
      done = true;
      signal();
    },
  });
  async function* drain(): AsyncGenerator<T, void, undefined> {
    try {
      for (;;) {
        const event = queue.shift();
        if (event !== undefined) {
          yield event;
          continue;
        }
        if (failure) throw failure;
        if (done) return;
        await new Promise<void>((resolve) => (wake = resolve));
      }
    } finally {
      subscription.unsubscribe();
    }
  }
  const events = drain();
  // return() before the first next() skips the generator's finally: unsubscribe here too.
  const finish = events.return.bind(events);
  return Object.assign(events, {
    connected: subscription.connected,
    return: (value?: void) => {
      subscription.unsubscribe();
      return finish(value);
    },
  });
}
