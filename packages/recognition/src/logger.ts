import { pino, type Logger } from 'pino';

/** Package root logger; writes JSON to stderr so CLI stdout stays machine-readable. */
export const rootLogger: Logger = pino(
  { name: 'recognition', level: process.env.FACELEDGER_LOG_LEVEL ?? 'warn' },
  pino.destination(2),
);

/** Child logger for one module of the package. */
export function moduleLogger(module: string): Logger {
  return rootLogger.child({ module });
}
