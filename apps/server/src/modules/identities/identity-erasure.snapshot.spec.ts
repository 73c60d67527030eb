// The erasure's table rewrite against a transaction that began before it (PostgreSQL only: PGlite
// is one session). VACUUM FULL keeps every row version an open snapshot may still see, so the
// rewrite waits for such transactions, and says so when one outlives the wait.
import { TEST_DATABASE_MODES } from '@faceledger/db/testing';
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders } from '../../../test/auth-helpers.js';
import { addGallery, addIdentity } from '../../../test/graphql-helpers.js';
import { scanDatabaseFiles } from '../../../test/raw-scan.js';
import { useTestServer, type TestServer } from '../../../test/test-server.js';
import {
  IdentityErasureRepository,
  OlderSnapshotError,
  tablesChangedBy,
} from './identity-erasure.repository.js';

describe.skipIf(!TEST_DATABASE_MODES.includes('postgres'))(
  'erasure rewrite and older snapshots (postgres)',
  () => {
    let server: TestServer;
    let galleryId: string;
    let repository: IdentityErasureRepository;

    const createPerson = async (displayName: string) =>
      addIdentity(
        server,
        { galleryId, externalId: `X-${displayName}`, displayName },
        await adminHeaders(server),
      );

    /** Erases in a transaction of its own, as the service does; returns what the rewrite needs. */
    async function erase(identityId: string) {
      const outcome = await server.db.prisma.$transaction((tx) => repository.eraseWithin(tx, identityId));
      if (!outcome || outcome.alreadyErased) throw new Error('expected a fresh erasure');
      return { tables: tablesChangedBy(outcome.counts), erasedXid: outcome.xid };
    }

    /** A REPEATABLE READ transaction whose snapshot is taken now and held until `end()`. */
    async function holdSnapshot() {
      const client = new pg.Client({ connectionString: server.db.connectionString });
      await client.connect();
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
      // Another table: a lock on a table being rewritten would only make VACUUM FULL wait for it.
      await client.query('SELECT count(*) FROM galleries');
      return {
        async end() {
          await client.query('COMMIT');
          await client.end();
        },
      };
    }

    const needle = (name: string) => ({ [name]: Buffer.from(name) });

    useTestServer('postgres', (started) => (server = started));
    beforeAll(async () => {
      const admin = await adminHeaders(server);
      galleryId = await addGallery(server, { name: 'Snapshots', matchThreshold: 0.6 }, admin);
      repository = new IdentityErasureRepository(server.db.prisma, server.imageStore);
    });

    it('waits for a transaction older than the erasure, then leaves no bytes', async () => {
      const id = await createPerson('Wilhelmina Waitfor');
      const snapshot = await holdSnapshot();
      const { tables, erasedXid } = await erase(id);
      setTimeout(() => void snapshot.end(), 1_000);
      await repository.compactErasedTables(tables, { erasedXid, waitMs: 20_000 });
      expect(await scanDatabaseFiles(server.db.prisma, needle('Wilhelmina Waitfor'))).toEqual([]);
    });

    it('says so when that transaction outlives the wait, and a later rewrite completes it', async () => {
      const id = await createPerson('Oswald Outlived');
      const snapshot = await holdSnapshot();
      const { tables, erasedXid } = await erase(id);
      await expect(repository.compactErasedTables(tables, { erasedXid, waitMs: 300 })).rejects.toBeInstanceOf(
        OlderSnapshotError,
      );
      // VACUUM FULL had to copy the old row version: this is why it waits.
      expect(
        (await scanDatabaseFiles(server.db.prisma, needle('Oswald Outlived'))).map((h) => h.relation),
      ).toContain('identities');
      await snapshot.end();
      await repository.compactErasedTables(tables, { erasedXid, waitMs: 300 });
      expect(await scanDatabaseFiles(server.db.prisma, needle('Oswald Outlived'))).toEqual([]);
    });
  },
);
