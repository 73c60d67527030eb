// An admin adds a webhook on a gallery's page and reads its signing secret once; an integrator's
// identify with an API key is delivered to a local receiver, signed with that secret, and the
// Deliveries dialog shows it SUCCEEDED; deleting asks first and removes it. Other roles never see
// the section.
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from '@playwright/test';
import { expect, test } from '../../support/fixtures.js';
import { lfwImage } from '../../support/photos.js';
import { IDENTIFY_MUTATION, imageInput, unique, type IdentifyAnswer } from '../../support/seed.js';
import { signIn } from '../../support/sign-in.js';
import { VIEWPORTS } from '../../support/viewports.js';

/** One request the receiver got: what a webhook consumer sees. */
interface ReceivedRequest {
  method: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
}

/** A webhook endpoint on 127.0.0.1 (a free port) that records every request and answers 204. */
async function startReceiver(): Promise<{
  url: string;
  received: ReceivedRequest[];
  close: () => Promise<void>;
}> {
  const received: ReceivedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({
        method: req.method ?? '',
        headers: req.headers,
        rawBody: Buffer.concat(chunks).toString('utf8'),
      });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/faceledger-hook`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** How far the page is wider than the screen, in pixels (0 when it fits). */
function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

test('an admin adds a webhook, sees its secret once, watches a signed delivery succeed, and deletes it', async ({
  page,
  context,
  seed,
  stack,
  users,
  capturePage,
}) => {
  test.setTimeout(180_000);
  const receiver = await startReceiver();
  try {
    const gallery = await seed.createGallery('webhooks');
    const blair = await seed.enrolledIdentity(gallery.id, unique('Tony Blair'), [
      lfwImage('Tony_Blair', 2),
      lfwImage('Tony_Blair', 3),
    ]);
    await seed.enrolledIdentity(gallery.id, unique('Hugo Chavez'), [lfwImage('Hugo_Chavez', 1)]);

    await signIn(page, users.admin, `/galleries/${gallery.id}`);
    await expect(page.getByRole('heading', { level: 1, name: gallery.name })).toBeVisible();
    const section = page.getByRole('region', { name: 'Webhooks', exact: true });
    await expect(section.getByText('No webhook yet.')).toBeVisible();

    // The form refuses what is not an http(s) URL, with a message that says what to type.
    await section.getByRole('button', { name: 'Add webhook' }).click();
    const form = page.getByRole('dialog', { name: 'Add webhook' });
    const urlField = form.getByLabel('URL', { exact: true });
    await expect(urlField).toBeFocused();
    await expect(form.getByRole('checkbox', { name: /^MATCH/ })).toBeChecked();
    await expect(form.getByRole('checkbox', { name: /^NO_MATCH/ })).not.toBeChecked();
    await expect(form.getByRole('checkbox', { name: /^UNKNOWN/ })).not.toBeChecked();
    await urlField.fill('ftp://alerts.example.org/hook');
    await form.getByRole('button', { name: 'Add webhook' }).click();
    await expect(form.getByText('Enter an absolute http:// or https:// URL')).toBeVisible();
    await expect(urlField).toHaveAttribute('aria-invalid', 'true');

    await urlField.fill(receiver.url);
    await form.getByRole('button', { name: 'Add webhook' }).click();

    // The secret, once, focused, with the way to check signatures.
    const shown = page.getByRole('dialog', { name: 'Your new webhook' });
    const secretField = shown.getByLabel('Signing secret');
    await expect(secretField).toBeFocused();
    const secret = await secretField.inputValue();
    expect(secret).toMatch(/^whsec_/);
    await expect(shown.getByText('Verifying a webhook')).toBeVisible();
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stack.adminUrl });
    await shown.getByRole('button', { name: 'Copy secret' }).click();
    await expect(shown.getByRole('status')).toHaveText('Copied to the clipboard.');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    await shown.getByRole('button', { name: 'I have stored it' }).click();
    await expect(shown).toBeHidden();
    await expect(section.getByRole('button', { name: 'Add webhook' })).toBeFocused();

    const row = section.getByRole('row').filter({ has: page.getByRole('rowheader', { name: receiver.url }) });
    await expect(row).toBeVisible();
    await expect(row.getByRole('list', { name: 'Events' }).getByRole('listitem')).toHaveText(['MATCH']);
    expect(await page.content()).not.toContain(secret);
    await capturePage('gallery-webhooks');

    // Readable on a phone: the section stays inside the page's width.
    await page.setViewportSize(VIEWPORTS.phone);
    await expect(row).toBeVisible();
    expect(await horizontalOverflow(page), 'gallery page wider than the phone screen').toBe(0);
    await capturePage('gallery-webhooks-phone');
    await page.setViewportSize(VIEWPORTS.desktop);

    // Deliveries: empty until an event, then refreshed while open.
    await row.getByRole('button', { name: `Deliveries of ${receiver.url}` }).click();
    const deliveries = page.getByRole('dialog', { name: 'Webhook deliveries' });
    await expect(deliveries.getByText('No delivery yet.')).toBeVisible();

    // The integrator identifies another photo of an enrolled person with an API key: MATCH.
    const { createApiKey } = await seed.gql<{ createApiKey: { secret: string } }>(
      'mutation K($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }',
      { input: { name: unique('webhook-door'), scopes: ['identify'], galleryId: gallery.id } },
    );
    const response = await fetch(`${stack.apiUrl}/graphql`, {
      method: 'POST',
      headers: { authorization: `Bearer ${createApiKey.secret}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        query: IDENTIFY_MUTATION,
        variables: { galleryId: gallery.id, image: await imageInput(lfwImage('Tony_Blair', 5)) },
      }),
    });
    const body = (await response.json()) as { data?: { identify: IdentifyAnswer }; errors?: unknown };
    expect(body.errors).toBeUndefined();
    const [face] = body.data?.identify.faces ?? [];
    expect(face?.decision).toBe('MATCH');
    expect(face?.identity?.id).toBe(blair.id);

    const delivered = deliveries.getByRole('row').filter({ hasText: 'MATCH' });
    await expect(delivered.getByText('Succeeded', { exact: true })).toBeVisible({ timeout: 30_000 });
    await expect(delivered.getByRole('cell').nth(1)).toHaveText('1 attempt');
    await expect(delivered.getByText('HTTP 204')).toBeVisible();
    await expect(delivered.getByText(/^Delivered /)).toBeVisible();
    await capturePage('gallery-webhook-deliveries');
    await deliveries.getByRole('button', { name: 'Close' }).click();
    await expect(deliveries).toBeHidden();

    // What the receiver got: one POST, signed with the secret the page showed.
    expect(receiver.received).toHaveLength(1);
    const [request] = receiver.received;
    expect(request?.method).toBe('POST');
    const timestamp = String(request?.headers['x-faceledger-timestamp']);
    const signature = String(request?.headers['x-faceledger-signature']);
    expect(timestamp).toMatch(/^\d+$/);
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    const expected = `sha256=${createHmac('sha256', secret).update(`${timestamp}.${request?.rawBody}`).digest('hex')}`;
    expect(signature).toBe(expected);
    const payload = JSON.parse(request?.rawBody ?? '{}') as {
      id: string;
      type: string;
      data: {
        eventId: string;
        decision: string;
        galleryId: string;
        topCandidate: { identityId: string } | null;
      };
    };
    expect(request?.headers['x-faceledger-event']).toBe('matchEvent.match');
    expect(request?.headers['x-faceledger-delivery']).toBe(payload.id);
    expect(payload).toMatchObject({
      type: 'matchEvent.match',
      data: {
        eventId: face?.eventId,
        decision: 'MATCH',
        galleryId: gallery.id,
        topCandidate: { identityId: blair.id },
      },
    });

    // Delete, after a confirmation that names the URL.
    await row.getByRole('button', { name: `Delete ${receiver.url}` }).click();
    const confirm = page.getByRole('alertdialog', { name: `Delete the webhook to ${receiver.url}?` });
    await expect(confirm.getByText(receiver.url, { exact: true })).toBeVisible();
    await confirm.getByRole('button', { name: 'Delete webhook' }).click();
    await expect(confirm).toBeHidden();
    await expect(row).toHaveCount(0);
    await expect(section.getByText(`Deleted the webhook to ${receiver.url}.`)).toBeVisible();
    await expect(section.getByText('No webhook yet.')).toBeVisible();
    const { webhooks } = await seed.gql<{ webhooks: unknown[] }>(
      'query W($g: ID!) { webhooks(galleryId: $g) { id } }',
      {
        g: gallery.id,
      },
    );
    expect(webhooks).toEqual([]);
  } finally {
    await receiver.close();
  }
});

test('HR opens a gallery without a Webhooks section, and asks nothing about webhooks', async ({
  page,
  seed,
  users,
}) => {
  const gallery = await seed.createGallery('webhooks-hr');
  const operations: string[] = [];
  page.on('request', (request) => {
    if (request.url().endsWith('/graphql') && request.method() === 'POST')
      operations.push(request.postData() ?? '');
  });
  await signIn(page, users.hr, `/galleries/${gallery.id}`);
  await expect(page.getByRole('heading', { level: 1, name: gallery.name })).toBeVisible();
  await expect(page.getByRole('main').getByText('Last changed', { exact: true })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Webhooks', exact: true })).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'Webhooks', exact: true })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Add webhook' })).toHaveCount(0);
  expect(operations.filter((body) => /webhook/i.test(body))).toEqual([]);
});

test('a reviewer cannot open a gallery page at all', async ({ page, seed, users }) => {
  const gallery = await seed.createGallery('webhooks-reviewer');
  await signIn(page, users.reviewer);
  await page.goto(`/galleries/${gallery.id}`);
  await expect(
    page.getByRole('heading', { level: 1, name: "You don't have access to this page" }),
  ).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Webhooks', exact: true })).toHaveCount(0);
});
