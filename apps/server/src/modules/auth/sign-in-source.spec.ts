import { describe, expect, it } from 'vitest';
import { signInSource } from './sign-in-source.js';

const from = (remoteAddress: string | undefined, forwarded?: string) =>
  signInSource({
    socket: { remoteAddress } as never,
    headers: forwarded === undefined ? {} : { 'x-forwarded-for': forwarded },
  });

describe('signInSource', () => {
  it('is the peer, and believes X-Forwarded-For only from a loopback peer (the admin on this host)', () => {
    expect(from('203.0.113.9')).toBe('203.0.113.9');
    expect(from('203.0.113.9', '198.51.100.1')).toBe('203.0.113.9');
    expect(from('::ffff:127.0.0.1', '198.51.100.1')).toBe('198.51.100.1');
    expect(from('127.0.0.1', '10.9.9.9, 198.51.100.1, 127.0.0.1')).toBe('198.51.100.1');
    expect(from('::1', 'not-an-address, 127.0.0.1')).toBe('::1');
    expect(from('127.0.0.1')).toBe('127.0.0.1');
    expect(from(undefined)).toBe('unknown');
  });

  it('counts an IPv6 client per /64', () => {
    expect(from('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(from('2001:0db8:0001:0002:ffff:0:0:9')).toBe('2001:db8:1:2::/64');
    expect(from('2001:db8::5')).toBe('2001:db8:0:0::/64');
  });
});
