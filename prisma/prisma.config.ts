// Prisma CLI settings. The JS schema engine (a driver adapter, no native binary) keeps
// `prisma generate` and `prisma migrate diff` working offline; migrations are applied by src/migrate.ts.
import { PrismaPg } from '@prisma/adapter-pg';
import { defineConfig } from 'prisma/config';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  adapter: async () =>
    new PrismaPg({ connectionString: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres' }),
  schema: 'schema.prisma',
  migrations: { path: 'migrations' },
});
