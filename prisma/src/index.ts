export {
  openDatabase,
  restrictToOwner,
  type Database,
  type DatabaseMode,
  type DatabaseOptions,
} from './database.js';
export { migrate, readMigrations, MIGRATIONS_DIR, type MigrationReport, type MigrationFile } from './migrate.js';
// PrismaClient, the Prisma namespace, the enums and one type per model (User, Face, AuditEntry, ...).
export * from './generated/prisma/client.js';
// The same model types under their *Model names (UserModel, ApiKeyModel, ...), plus input types.
export type * from './generated/prisma/models.js';
