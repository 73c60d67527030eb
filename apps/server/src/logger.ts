// One structured logger for the server; modules take a child with their name.
import { pino, type Logger } from 'pino';

/** Creates the root logger at `level`. */
export function createLogger(level: string): Logger {
  return pino({ name: 'faceledger', level, redact: ['req.headers.authorization', 'req.headers.cookie'] });
}
