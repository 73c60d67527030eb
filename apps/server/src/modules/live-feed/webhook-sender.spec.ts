// The sender against a receiver on 127.0.0.1 only: refused destinations are decided before any
// connection (the receiver counts what reaches it), allowed ones are POSTed to.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhookDestinationPolicy } from './webhook-destination.js';
import { HttpWebhookSender, UNREACHABLE } from './webhook-sender.js';

describe('HttpWebhookSender', () => {
  let receiver: http.Server;
  let port: number;
  const bodies: string[] = [];

  beforeAll(async () => {
    receiver = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        bodies.push(Buffer.concat(chunks).toString('utf8'));
        res.statusCode = 204;
        res.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    port = (receiver.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => receiver.close(resolve));
  });

  const send = (sender: HttpWebhookSender, url: string) =>
    sender.send({ url, headers: { 'content-type': 'application/json' }, body: '{"n":1}', timeoutMs: 5_000 });

  it('refuses loopback by default, by address or by name, without connecting', async () => {
    const sender = new HttpWebhookSender();
    for (const url of [
      `http://127.0.0.1:${port}/`,
      `http://2130706433:${port}/`,
      `http://localhost:${port}/`,
    ]) {
      expect(await send(sender, url)).toMatchObject({ error: UNREACHABLE });
    }
    expect(bodies).toEqual([]);
  });

  it('posts to an allowed network, and calls a closed port only "unreachable"', async () => {
    const sender = new HttpWebhookSender(new WebhookDestinationPolicy(['127.0.0.1/32', '::1/128']));
    expect(await send(sender, `http://127.0.0.1:${port}/hook`)).toEqual({ statusCode: 204 });
    expect(await send(sender, `http://localhost:${port}/hook`)).toEqual({ statusCode: 204 });
    expect(bodies).toEqual(['{"n":1}', '{"n":1}']);
    const closed = await send(sender, 'http://127.0.0.1:9/hook');
    expect(closed).toMatchObject({ error: UNREACHABLE, detail: expect.stringMatching(/ECONNREFUSED/) });
  });
});
