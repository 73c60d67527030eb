import { describe, expect, it } from 'vitest';
import { loadEnv } from '../../env.js';

describe('auth settings in env.ts', () => {
  it('defaults to 12-hour sessions, automatic Secure cookies and no first admin', () => {
    const env = loadEnv({});
    expect(env.FACELEDGER_SESSION_TTL_HOURS).toBe(12);
    expect(env.FACELEDGER_SECURE_COOKIES).toBe('auto');
    expect(env.FACELEDGER_ADMIN_EMAIL).toBeUndefined();
    expect(env.FACELEDGER_ADMIN_PASSWORD).toBeUndefined();
  });

  it('reads the first admin and refuses half or weak settings, naming the variables', () => {
    const env = loadEnv({
      FACELEDGER_ADMIN_EMAIL: 'root@example.org',
      FACELEDGER_ADMIN_PASSWORD: ' spaces kept ok ',
    });
    expect(env.FACELEDGER_ADMIN_PASSWORD).toBe(' spaces kept ok ');
    expect(() => loadEnv({ FACELEDGER_ADMIN_EMAIL: 'root@example.org' })).toThrow(
      /FACELEDGER_ADMIN_PASSWORD: set .* together/,
    );
    expect(() =>
      loadEnv({ FACELEDGER_ADMIN_EMAIL: 'root', FACELEDGER_ADMIN_PASSWORD: 'long enough password' }),
    ).toThrow(/FACELEDGER_ADMIN_EMAIL/);
    expect(() =>
      loadEnv({ FACELEDGER_ADMIN_EMAIL: 'root@example.org', FACELEDGER_ADMIN_PASSWORD: 'short' }),
    ).toThrow(/FACELEDGER_ADMIN_PASSWORD: must have at least 12/);
    expect(() => loadEnv({ FACELEDGER_SESSION_TTL_HOURS: '0' })).toThrow(/FACELEDGER_SESSION_TTL_HOURS/);
    expect(() => loadEnv({ FACELEDGER_SECURE_COOKIES: 'yes' })).toThrow(/FACELEDGER_SECURE_COOKIES/);
  });
});
