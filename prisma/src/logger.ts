import { pino, type Logger } from 'pino';

/** The data layer's logger; the server passes its own child in through DatabaseOptions. */
export const defaultLogger: Logger = pino({ name: 'db', level: process.env.LOG_LEVEL ?? 'info' });
