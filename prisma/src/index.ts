export { openDatabase, type Database, type DatabaseMode, type DatabaseOptions } from './database.js';
export { migrate, readMigrations, MIGRATIONS_DIR, type MigrationReport, type MigrationFile } from './migrate.js';
export { PrismaClient, Prisma } from './generated/prisma/client.js';
export * from './generated/prisma/enums.js';
export type * from './generated/prisma/models.js';
