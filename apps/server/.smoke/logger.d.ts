import { type Logger } from 'pino';
/** Creates the root logger at `level`. */
export declare function createLogger(level: string): Logger;
