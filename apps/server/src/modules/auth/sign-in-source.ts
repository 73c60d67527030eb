// Which address a sign-in comes from, for the per-source limit. The admin dashboard forwards the
// browser's requests from the same host, so when the peer is loopback, X-Forwarded-For names the
// real client: its right-most address that is not loopback (what the nearest proxy saw). Otherwise
// the socket's peer is the source. IPv6 clients count per /64, the block one host usually holds.
import { isIP } from 'node:net';
import type { Request } from 'express';

/** The limiter key of the address `req` came from. */
export function signInSource(req: Pick<Request, 'socket' | 'headers'>): string {
  const peer = sourceOf(req.socket.remoteAddress ?? '');
  if (peer === null) return 'unknown';
  if (!isLoopback(peer)) return peer;
  const header = req.headers['x-forwarded-for'];
  const hops = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((hop) => hop.trim())
    .filter((hop) => hop !== '');
  for (const hop of hops.reverse()) {
    const address = sourceOf(hop);
    if (address === null) break;
    if (!isLoopback(address)) return address;
  }
  return peer;
}

/** The address as a limiter key (IPv4-mapped IPv6 as IPv4, IPv6 as its /64), or null when not an IP. */
function sourceOf(raw: string): string | null {
  const address = raw.startsWith('::ffff:') && isIP(raw.slice(7)) === 4 ? raw.slice(7) : raw;
  const family = isIP(address);
  if (family === 4) return address;
  if (family !== 6) return null;
  if (address === '::1') return address;
  const [head = '', tail = ''] = address.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = address.includes('::') && tail !== '' ? tail.split(':') : [];
  const groups = address.includes('::')
    ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

function isLoopback(address: string): boolean {
  return address === '::1' || /^127\./.test(address);
}
