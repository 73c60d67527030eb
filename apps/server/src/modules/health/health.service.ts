// Answers "is this server ready?" for the health query and GET /healthz.
import type { Database } from '@faceledger/db';
import type { RecognitionRepository } from '../../infrastructure/recognition/recognition.repository.js';
import type { Health } from '@faceledger/schema';

export class HealthService {
  private readonly startedAt = Date.now();

  constructor(
    private readonly db: Database,
    private readonly recognition: RecognitionRepository,
    private readonly version: string,
  ) {}

  async check(): Promise<Health> {
    const databaseUp = await this.db.prisma.$queryRaw`SELECT 1`.then(
      () => true,
      () => false,
    );
    const report = this.db.migrations;
    const migrations = { applied: report ? report.total : 0, total: report?.total ?? 0, latest: report?.latest ?? null };
    const engine = this.recognition.status();
    return {
      ok: databaseUp && report !== null,
      database: this.db.mode === 'pglite' ? 'PGLITE' : 'POSTGRES',
      migrations,
      recognition: {
        state: engine.state,
        backend: engine.info?.backend ?? null,
        workers: engine.workers ?? null,
        workersConfigured: engine.workersConfigured ?? null,
        defaultModel: engine.info?.defaultModel ?? null,
        error: engine.error,
      },
      version: this.version,
      uptimeSeconds: (Date.now() - this.startedAt) / 1000,
    };
  }
}
