// The only code that reads and writes API keys. Only the sha256 of a key is stored.
import type { ApiKeyModel, PrismaClient } from '@faceledger/db';
import type { Transaction } from '../audit/audit.repository.js';
import type { UserRecord } from '../users/users.repository.js';

/** An API key row with its creator. */
export type ApiKeyWithCreator = ApiKeyModel & { createdBy: UserRecord | null };

export class ApiKeysRepository {
  constructor(private readonly prisma: PrismaClient) {}

  create(
    tx: Transaction,
    data: {
      name: string;
      prefix: string;
      secretHash: string;
      scopes: string[];
      galleryId: string | null;
      createdById: string;
    },
  ): Promise<ApiKeyWithCreator> {
    return tx.apiKey.create({ data, include: { createdBy: true } });
  }

  /** The key with this prefix and its creator, whose being disabled stops the key working. */
  findByPrefix(prefix: string): Promise<ApiKeyWithCreator | null> {
    return this.prisma.apiKey.findUnique({ where: { prefix }, include: { createdBy: true } });
  }

  findById(id: string, tx: Transaction = this.prisma): Promise<ApiKeyWithCreator | null> {
    return tx.apiKey.findUnique({ where: { id }, include: { createdBy: true } });
  }

  list(): Promise<ApiKeyWithCreator[]> {
    return this.prisma.apiKey.findMany({ orderBy: { createdAt: 'desc' }, include: { createdBy: true } });
  }

  revoke(tx: Transaction, id: string, at: Date): Promise<ApiKeyWithCreator> {
    return tx.apiKey.update({ where: { id }, data: { revokedAt: at }, include: { createdBy: true } });
  }

  /** Records a use unless one was recorded after `notBefore`; keeps the write to about one a minute. */
  async recordUse(id: string, at: Date, notBefore: Date): Promise<void> {
    await this.prisma.apiKey.updateMany({
      where: { id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: notBefore } }] },
      data: { lastUsedAt: at },
    });
  }

  async galleryExists(galleryId: string): Promise<boolean> {
    return (await this.prisma.gallery.count({ where: { id: galleryId } })) > 0;
  }
}
