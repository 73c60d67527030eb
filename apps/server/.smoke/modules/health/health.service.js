export class HealthService {
    db;
    recognition;
    version;
    startedAt = Date.now();
    constructor(db, recognition, version) {
        this.db = db;
        this.recognition = recognition;
        this.version = version;
    }
    async check() {
        const databaseUp = await this.db.prisma.$queryRaw `SELECT 1`.then(() => true, () => false);
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
                workers: engine.info?.workers ?? null,
                defaultModel: engine.info?.defaultModel ?? null,
                error: engine.error,
            },
            version: this.version,
            uptimeSeconds: (Date.now() - this.startedAt) / 1000,
        };
    }
}
//# sourceMappingURL=health.service.js.map