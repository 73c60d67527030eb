// Where webhooks may be sent. A webhook URL is typed by an admin but fetched by the server, so
// without a rule it reaches what only the server can: its own loopback services, the private
// network, a cloud's metadata endpoint (169.254.169.254). By default every address that is not
// publicly routable is refused; networks named in FACELEDGER_WEBHOOK_ALLOWED_NETWORKS (a
// self-hosted receiver) are let through. A name is resolved and every address it has is checked;
// the connection then goes to a checked address (lookup() below is the connection's own lookup),
// so a name cannot answer differently between the check and the connection.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/** Address ranges that are not public: loopback, private, link-local (metadata), shared, reserved, documentation. */
const NOT_PUBLIC: ReadonlyArray<readonly [string, number, 'ipv4' | 'ipv6']> = [
  // BlockList checks IPv4-mapped IPv6 addresses (::ffff:127.0.0.1) against these IPv4 rules too.
  ['0.0.0.0', 8, 'ipv4'], // "this network"; 0.0.0.0 reaches the local host
  ['10.0.0.0', 8, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'], // carrier-grade NAT, and some clouds' metadata (100.100.100.200)
  ['127.0.0.0', 8, 'ipv4'],
  ['169.254.0.0', 16, 'ipv4'], // link-local, with the metadata endpoint 169.254.169.254
  ['172.16.0.0', 12, 'ipv4'],
  ['192.0.0.0', 24, 'ipv4'],
  ['192.0.2.0', 24, 'ipv4'],
  ['192.88.99.0', 24, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['198.18.0.0', 15, 'ipv4'],
  ['198.51.100.0', 24, 'ipv4'],
  ['203.0.113.0', 24, 'ipv4'],
  ['224.0.0.0', 4, 'ipv4'], // multicast
  ['240.0.0.0', 4, 'ipv4'], // reserved, and the broadcast address
  ['::', 128, 'ipv6'],
  ['::1', 128, 'ipv6'],
  ['64:ff9b::', 96, 'ipv6'], // NAT64, which embeds an IPv4 address
  ['64:ff9b:1::', 48, 'ipv6'],
  ['100::', 64, 'ipv6'],
  ['2001::', 32, 'ipv6'], // Teredo
  ['2001:db8::', 32, 'ipv6'],
  ['2002::', 16, 'ipv6'], // 6to4, which embeds an IPv4 address
  ['fc00::', 7, 'ipv6'], // unique local, with fd00:ec2::254 (a metadata endpoint)
  ['fe80::', 10, 'ipv6'],
  ['ff00::', 8, 'ipv6'],
];

/** Why a destination was refused, for the admin (creation) and the server log (delivery). */
export class WebhookDestinationError extends Error {
  constructor(
    message: string,
    /** The refused address, when the host had one. */
    readonly address: string | null,
  ) {
    super(message);
    this.name = 'WebhookDestinationError';
  }
}

/** Parses "10.0.0.0/8, 127.0.0.1, ::1/128" into CIDR blocks; throws naming the first bad item. */
export function parseNetworks(text: string): string[] {
  const items = text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  for (const item of items) {
    const [address = '', bits, ...rest] = item.split('/');
    const family = isIP(address);
    const max = family === 4 ? 32 : 128;
    const isBitsOk = bits === undefined || (/^[0-9]{1,3}$/.test(bits) && Number(bits) <= max);
    if (family === 0 || !isBitsOk || rest.length > 0) {
      throw new Error(`"${item}" is not an IP address or a network such as 10.0.0.0/8 or fd00::/8`);
    }
  }
  return items;
}

/** The rule in force: not public means refused, unless inside one of `allowedNetworks`. */
export class WebhookDestinationPolicy {
  private readonly notPublic = new BlockList();
  private readonly allowed = new BlockList();

  /** `allowedNetworks`: CIDR blocks or single addresses (parseNetworks()), such as ["127.0.0.1/32"]. */
  constructor(
    readonly allowedNetworks: readonly string[] = [],
    private readonly resolve: (hostname: string) => Promise<LookupAddress[]> = resolveAll,
  ) {
    for (const [address, bits, family] of NOT_PUBLIC) this.notPublic.addSubnet(address, bits, family);
    for (const network of allowedNetworks) {
      const [address = '', bits] = network.split('/');
      const family = isIP(address) === 4 ? 'ipv4' : 'ipv6';
      this.allowed.addSubnet(
        address,
        bits === undefined ? (family === 'ipv4' ? 32 : 128) : Number(bits),
        family,
      );
    }
  }

  /** Whether the server may connect to `address` (an IPv4 or IPv6 address). */
  isAllowed(address: string): boolean {
    const family = isIP(address);
    if (family === 0) return false;
    const type = family === 4 ? 'ipv4' : 'ipv6';
    return this.allowed.check(address, type) || !this.notPublic.check(address, type);
  }

  /**
   * Checks a webhook URL when it is registered: no user:password part, and a host whose every
   * address is allowed. A name that does not resolve now is accepted (its receiver may not be up
   * yet): every delivery checks again and connects only to an allowed address.
   */
  async checkUrl(url: URL): Promise<void> {
    if (url.username !== '' || url.password !== '') {
      throw new WebhookDestinationError(
        'url must not hold a user name or password (user:secret@host); authenticate the webhook with its signature.',
        null,
      );
    }
    const literal = ipLiteralOf(url.hostname);
    if (literal !== null) {
      this.requireAllowed(literal);
      return;
    }
    let addresses: LookupAddress[];
    try {
      addresses = await this.resolve(url.hostname);
    } catch {
      return;
    }
    for (const { address } of addresses) this.requireAllowed(address);
  }

  /**
   * A `lookup` for the connection (http.request's option): resolves the host, refuses it unless
   * every address is allowed, and hands the connection the first of them. Node connects to an
   * IP-literal host without calling it: check those with isAllowed() first.
   */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    const literal = ipLiteralOf(hostname);
    const resolved =
      literal !== null
        ? Promise.resolve([{ address: literal, family: isIP(literal) }])
        : this.resolve(hostname);
    resolved.then(
      (addresses) => {
        try {
          if (addresses.length === 0) throw new WebhookDestinationError(`${hostname} has no address`, null);
          for (const { address } of addresses) this.requireAllowed(address);
        } catch (error) {
          callback(error as NodeJS.ErrnoException, '', 0);
          return;
        }
        const [first] = addresses as [LookupAddress];
        if (options.all) callback(null, addresses);
        else callback(null, first.address, first.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 0),
    );
  };

  private requireAllowed(address: string): void {
    if (this.isAllowed(address)) return;
    throw new WebhookDestinationError(
      `url leads to ${address}, a private, loopback, link-local or metadata address, where webhooks are not sent. Use the receiver's public address, or, for a receiver on your own network, add its network to FACELEDGER_WEBHOOK_ALLOWED_NETWORKS.`,
      address,
    );
  }
}

/** The address of an IP-literal host ("127.0.0.1", "[::1]"), or null for a name. */
export function ipLiteralOf(hostname: string): string | null {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return isIP(bare) === 0 ? null : bare;
}

function resolveAll(hostname: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) => {
    dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) => {
      if (error) reject(error);
      else resolve(addresses);
    });
  });
}
