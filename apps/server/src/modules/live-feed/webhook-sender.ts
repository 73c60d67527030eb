// Sends one webhook request over HTTP: a POST with a deadline, redirects not followed (a 3xx is a
// failure, so a receiver cannot bounce deliveries elsewhere), the answer's body discarded.

/** What the receiver answered, or why there was no answer. */
export type SendOutcome = { statusCode: number } | { error: string };

/** The HTTP side of deliveries; tests may put a fake in its place. */
export interface WebhookSender {
  send(request: {
    url: string;
    headers: Record<string, string>;
    body: string;
    timeoutMs: number;
  }): Promise<SendOutcome>;
}

/** Longest error text kept on a delivery. */
const MAX_ERROR_LENGTH = 500;

export class FetchWebhookSender implements WebhookSender {
  async send(request: {
    url: string;
    headers: Record<string, string>;
    body: string;
    timeoutMs: number;
  }): Promise<SendOutcome> {
    try {
      const response = await fetch(request.url, {
        method: 'POST',
        headers: request.headers,
        body: request.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(request.timeoutMs),
      });
      await response.body?.cancel().catch(() => undefined);
      return { statusCode: response.status };
    } catch (error) {
      const err = error as Error & { cause?: { code?: string; message?: string } };
      const message =
        err.name === 'TimeoutError'
          ? `no answer within ${request.timeoutMs / 1000} s`
          : [err.message, err.cause?.code ?? err.cause?.message].filter(Boolean).join(': ');
      return { error: message.slice(0, MAX_ERROR_LENGTH) };
    }
  }
}
