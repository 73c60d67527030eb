import type { ApiKeyModel, PrismaClient } from '@faceledger/db';
import type { Transaction } from '../audit/audit.repository.js';
import type { UserRecord } from '../users/users.repository.js';
/** An API key row with its creator. */
export type ApiKeyWithCreator = ApiKeyModel & {
    createdBy: UserRecord | null;
};
export declare class ApiKeysRepository {
    private readonly prisma;
    constructor(prisma: PrismaClient);
    create(tx: Transaction, data: {
        name: string;
        prefix: string;
        secretHash: string;
        scopes: string[];
        galleryId: string | null;
        createdById: string;
    }): Promise<ApiKeyWithCreator>;
    findByPrefix(prefix: string): Promise<ApiKeyModel | null>;
    findById(id: string, tx?: Transaction): Promise<ApiKeyWithCreator | null>;
    list(): Promise<ApiKeyWithCreator[]>;
    revoke(tx: Transaction, id: string, at: Date): Promise<ApiKeyWithCreator>;
    /** Records a use unless one was recorded after `notBefore`; keeps the write to about one a minute. */
    recordUse(id: string, at: Date, notBefore: Date): Promise<void>;
    galleryExists(galleryId: string): Promise<boolean>;
}
