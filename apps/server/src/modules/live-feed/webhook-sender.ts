// Sends one webhook request over HTTP: a POST with a deadline, redirects not followed (a 3xx is a
// failure, so a receiver cannot bounce deliveries elsewhere), the answer's body discarded. The
// connection only goes to an address the destination policy allows (its lookup resolves and
// checks); a refused or failed connection is recorded as "unreachable", never as the socket's own
// error, so the delivery log cannot be used to probe which hosts and ports answer.
import http from 'node:http';
import https from 'node:https';
import { ipLiteralOf, WebhookDestinationError, WebhookDestinationPolicy } from './webhook-destination.js';

/**
 * What the receiver answered, or why there was no answer: `error` is kept on the delivery and shown
 * to admins; `detail` (the refused address or the socket error) only goes to the server log.
 */
export type SendOutcome = { statusCode: number } | { error: string; detail?: string };

/** The HTTP side of deliveries; tests may put a fake in its place. */
export interface WebhookSender {
  send(request: {
    url: string;
    headers: Record<string, string>;
    body: string;
    timeoutMs: number;
  }): Promise<SendOutcome>;
}

/** lastError of a delivery that could not connect (refused by the policy, or no connection). */
export const UNREACHABLE = 'unreachable';

export class HttpWebhookSender implements WebhookSender {
  /** `policy`: where deliveries may connect; by default public addresses only. */
  constructor(private readonly policy: WebhookDestinationPolicy = new WebhookDestinationPolicy()) {}

  send(request: {
    url: string;
    headers: Record<string, string>;
    body: string;
    timeoutMs: number;
  }): Promise<SendOutcome> {
    return new Promise((resolve) => {
      let url: URL;
      try {
        url = new URL(request.url);
      } catch {
        resolve({ error: UNREACHABLE, detail: 'the url does not parse' });
        return;
      }
      if (url.username !== '' || url.password !== '') {
        resolve({ error: UNREACHABLE, detail: 'the url holds a user name or password' });
        return;
      }
      // Node connects to an address written in the URL without a lookup: check it here.
      const literal = ipLiteralOf(url.hostname);
      if (literal !== null && !this.policy.isAllowed(literal)) {
        resolve({ error: UNREACHABLE, detail: `${literal} is not an allowed destination` });
        return;
      }
      const client = url.protocol === 'https:' ? https : url.protocol === 'http:' ? http : null;
      if (!client) {
        resolve({ error: UNREACHABLE, detail: `unsupported protocol ${url.protocol}` });
        return;
      }
      const req = client.request(url, {
        method: 'POST',
        headers: { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) },
        lookup: this.policy.lookup,
        agent: false,
        signal: AbortSignal.timeout(request.timeoutMs),
      });
      req.on('response', (res) => {
        resolve({ statusCode: res.statusCode ?? 0 });
        res.resume();
        res.on('error', () => undefined);
        req.destroy();
      });
      req.on('error', (error: Error & { code?: string }) => {
        if (error.name === 'AbortError' || error.name === 'TimeoutError') {
          resolve({ error: `no answer within ${request.timeoutMs / 1000} s` });
        } else if (error instanceof WebhookDestinationError) {
          resolve({ error: UNREACHABLE, detail: error.message });
        } else {
          resolve({ error: UNREACHABLE, detail: [error.code, error.message].filter(Boolean).join(': ') });
        }
      });
      req.end(request.body);
    });
  }
}
