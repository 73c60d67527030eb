// The destination policy decides before any connection: these tests resolve names (a fake
// resolver, or localhost from the hosts file) and never send traffic anywhere.
import type { LookupAddress } from 'node:dns';
import { describe, expect, it } from 'vitest';
import { loadEnv } from '../../env.js';
import { parseNetworks, WebhookDestinationError, WebhookDestinationPolicy } from './webhook-destination.js';

/** A resolver answering from a table, as DNS would; unknown names fail as NXDOMAIN does. */
function fakeDns(table: Record<string, string[]>) {
  return async (hostname: string): Promise<LookupAddress[]> => {
    const addresses = table[hostname];
    if (!addresses)
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
}

/** Runs the connection lookup the way net.connect does and returns its answer. */
function connectLookup(policy: WebhookDestinationPolicy, hostname: string, all = false) {
  return new Promise<{ error: Error | null; address: unknown }>((resolve) => {
    policy.lookup(hostname, { all }, (error: Error | null, address: unknown) => resolve({ error, address }));
  });
}

describe('WebhookDestinationPolicy', () => {
  const dns = fakeDns({
    'hooks.example.com': ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'],
    'rebind.example.com': ['93.184.215.14', '10.0.0.7'],
    'metadata.example.com': ['169.254.169.254'],
  });

  it.each([
    '127.0.0.1',
    '127.255.0.1',
    '0.0.0.0',
    '10.20.30.40',
    '172.16.5.5',
    '192.168.1.1',
    '169.254.169.254',
    '100.100.100.200',
    '224.0.0.1',
    '255.255.255.255',
    '::',
    '::1',
    '::ffff:127.0.0.1',
    '::ffff:a9fe:a9fe',
    'fd00:ec2::254',
    'fe80::1',
    '64:ff9b::a00:1',
  ])('refuses %s by default', (address) => {
    expect(new WebhookDestinationPolicy([], dns).isAllowed(address)).toBe(false);
  });

  it.each(['93.184.215.14', '8.8.8.8', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'])(
    'allows the public %s',
    (address) => {
      expect(new WebhookDestinationPolicy([], dns).isAllowed(address)).toBe(true);
    },
  );

  it('lets the allowed networks through, and only them', () => {
    const policy = new WebhookDestinationPolicy(['127.0.0.1/32', '10.1.0.0/16', 'fd12::/16'], dns);
    expect(policy.isAllowed('127.0.0.1')).toBe(true);
    expect(policy.isAllowed('127.0.0.2')).toBe(false);
    expect(policy.isAllowed('10.1.200.3')).toBe(true);
    expect(policy.isAllowed('10.2.0.1')).toBe(false);
    expect(policy.isAllowed('fd12::5')).toBe(true);
    expect(policy.isAllowed('169.254.169.254')).toBe(false);
  });

  it.each([
    ['http://127.0.0.1:4000/', '127.0.0.1'],
    ['http://0.0.0.0/', '0.0.0.0'],
    ['http://2130706433/', '127.0.0.1'],
    ['http://0x7f.1/', '127.0.0.1'],
    ['http://[::1]/', '::1'],
    ['http://10.0.0.1/', '10.0.0.1'],
    ['http://169.254.169.254/latest/meta-data/', '169.254.169.254'],
    ['https://rebind.example.com/hook', '10.0.0.7'],
    ['https://metadata.example.com/', '169.254.169.254'],
  ])('refuses to register %s (it leads to %s)', async (url, address) => {
    const refusal = new WebhookDestinationPolicy([], dns).checkUrl(new URL(url));
    await expect(refusal).rejects.toBeInstanceOf(WebhookDestinationError);
    await expect(refusal).rejects.toMatchObject({ address });
    await expect(refusal).rejects.toThrow(/FACELEDGER_WEBHOOK_ALLOWED_NETWORKS/);
  });

  it('resolves real names too: localhost is loopback', async () => {
    await expect(
      new WebhookDestinationPolicy().checkUrl(new URL('http://localhost:4000/')),
    ).rejects.toBeInstanceOf(WebhookDestinationError);
  });

  it('refuses a user:password part, and accepts a public host or a name that does not resolve yet', async () => {
    const policy = new WebhookDestinationPolicy([], dns);
    await expect(policy.checkUrl(new URL('https://user:pw@hooks.example.com/'))).rejects.toThrow(
      /user name or password/,
    );
    await expect(policy.checkUrl(new URL('https://hooks.example.com/faceledger'))).resolves.toBeUndefined();
    await expect(policy.checkUrl(new URL('https://not-yet.example.com/'))).resolves.toBeUndefined();
    await expect(
      new WebhookDestinationPolicy(['127.0.0.1/32'], dns).checkUrl(new URL('http://127.0.0.1:9/hook')),
    ).resolves.toBeUndefined();
  });

  it("pins the connection to a checked address, and fails it when any of the name's addresses is refused", async () => {
    const policy = new WebhookDestinationPolicy([], dns);
    expect(await connectLookup(policy, 'hooks.example.com')).toEqual({
      error: null,
      address: '93.184.215.14',
    });
    expect((await connectLookup(policy, 'hooks.example.com', true)).address).toHaveLength(2);
    const rebind = await connectLookup(policy, 'rebind.example.com');
    expect(rebind.error).toBeInstanceOf(WebhookDestinationError);
    expect((await connectLookup(policy, '127.0.0.1')).error).toBeInstanceOf(WebhookDestinationError);
    expect((await connectLookup(policy, 'not-yet.example.com')).error).toMatchObject({ code: 'ENOTFOUND' });
  });
});

describe('parseNetworks', () => {
  it('reads addresses and CIDR blocks, and names the first bad item', () => {
    expect(parseNetworks('')).toEqual([]);
    expect(parseNetworks(' 10.0.0.0/8, 127.0.0.1 ,fd00::/8')).toEqual([
      '10.0.0.0/8',
      '127.0.0.1',
      'fd00::/8',
    ]);
    expect(() => parseNetworks('10.0.0.0/33')).toThrow(/"10.0.0.0\/33" is not an IP address or a network/);
    expect(() => parseNetworks('receiver.internal')).toThrow(/"receiver.internal"/);
  });
});

describe('FACELEDGER_WEBHOOK_ALLOWED_NETWORKS', () => {
  it('is empty by default (public addresses only) and a bad item stops the start naming it', () => {
    expect(loadEnv({}).FACELEDGER_WEBHOOK_ALLOWED_NETWORKS).toEqual([]);
    expect(
      loadEnv({ FACELEDGER_WEBHOOK_ALLOWED_NETWORKS: '10.1.2.0/24,127.0.0.1' })
        .FACELEDGER_WEBHOOK_ALLOWED_NETWORKS,
    ).toEqual(['10.1.2.0/24', '127.0.0.1']);
    expect(() => loadEnv({ FACELEDGER_WEBHOOK_ALLOWED_NETWORKS: '10.1.2.0/24,intranet' })).toThrow(
      /FACELEDGER_WEBHOOK_ALLOWED_NETWORKS: "intranet" is not an IP address/,
    );
  });
});
