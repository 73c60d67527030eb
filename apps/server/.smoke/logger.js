// One structured logger for the server; modules take a child with their name.
import { pino } from 'pino';
/** Creates the root logger at `level`. */
export function createLogger(level) {
    return pino({ name: 'faceledger', level, redact: ['req.headers.authorization', 'req.headers.cookie'] });
}
//# sourceMappingURL=logger.js.map