import { TEST_DATABASE_MODES, type TestDatabase } from '@faceledger/db/testing';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../test/test-database.js';
import { verifyPassword } from '../modules/auth/password-hasher.js';
import { standaloneUsersService } from '../modules/users/standalone-users.js';
import { runAdminCreate, type AdminCommandIo } from './admin-commands.js';

function fakeIo(options: { stdin?: string; answers?: string[] | null }) {
  const out: string[] = [];
  const err: string[] = [];
  const answers = options.answers === null ? null : [...(options.answers ?? [])];
  const io: AdminCommandIo = {
    write: (t) => out.push(t),
    writeError: (t) => err.push(t),
    readStdin: async () => options.stdin ?? '',
    promptHidden: answers === null ? null : async () => answers.shift() ?? '',
  };
  return { io, out, err };
}

describe.each(TEST_DATABASE_MODES)('faceledger admin create on %s', (mode) => {
  let db: TestDatabase;
  let opened = 0;
  const openUsers = async () => {
    opened += 1;
    const { prisma } = db;
    return {
      users: standaloneUsersService(prisma),
      close: async () => undefined,
    };
  };
  useTestDatabase(mode, (created) => (db = created));

  it('creates an admin from a password on stdin, audited as system, never echoing the password', async () => {
    const { io, out, err } = fakeIo({ stdin: 'piped password 123\n' });
    expect(await runAdminCreate({ email: 'Ops@Example.org', passwordStdin: true }, io, openUsers)).toBe(0);
    expect(err).toEqual([]);
    expect(out.join()).toMatch(/Created admin ops@example.org/);
    expect(out.join()).not.toContain('piped password');
    const user = await db.prisma.user.findUniqueOrThrow({ where: { email: 'ops@example.org' } });
    expect(user.role).toBe('ADMIN');
    expect(await verifyPassword(user.passwordHash, 'piped password 123')).toBe(true);
    const entry = await db.prisma.auditEntry.findFirstOrThrow({
      where: { action: 'user.create', subject: `user:${user.id}` },
    });
    expect(entry.actor).toBe('system');
  });

  it('prompts twice and refuses when the answers differ', async () => {
    const mismatch = fakeIo({ answers: ['prompted password 1', 'prompted password 2'] });
    expect(await runAdminCreate({ email: 'typo@example.org' }, mismatch.io, openUsers)).toBe(1);
    expect(mismatch.err.join()).toMatch(/differ/);
    const same = fakeIo({ answers: ['prompted password 1', 'prompted password 1'] });
    expect(await runAdminCreate({ email: 'prompted@example.org' }, same.io, openUsers)).toBe(0);
    expect(await db.prisma.user.count({ where: { email: 'typo@example.org' } })).toBe(0);
  });

  it('explains what to do without a terminal, for a short password, and for a taken email', async () => {
    const before = opened;
    const noTty = fakeIo({ answers: null });
    expect(await runAdminCreate({ email: 'x@example.org' }, noTty.io, openUsers)).toBe(1);
    expect(noTty.err.join()).toMatch(/--password-stdin/);
    expect(opened).toBe(before);

    const short = fakeIo({ stdin: 'short\n' });
    expect(await runAdminCreate({ email: 'x@example.org', passwordStdin: true }, short.io, openUsers)).toBe(
      1,
    );
    expect(short.err.join()).toMatch(/at least 12 characters/);

    const taken = fakeIo({ stdin: 'another password 1\n' });
    expect(await runAdminCreate({ email: 'ops@example.org', passwordStdin: true }, taken.io, openUsers)).toBe(
      1,
    );
    expect(taken.err.join()).toMatch(/exists already/);
  });
});
