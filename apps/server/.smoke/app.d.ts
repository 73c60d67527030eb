import http from 'node:http';
import type { Logger } from 'pino';
import type { Services } from './graphql/context.js';
/** What the HTTP layer needs to run. */
export interface AppOptions {
    services: Services;
    logger: Logger;
    maxBodyBytes: number;
}
/** A started-but-not-listening HTTP server and its shutdown. */
export interface App {
    httpServer: http.Server;
    stop(): Promise<void>;
}
export declare function createApp({ services, logger, maxBodyBytes }: AppOptions): Promise<App>;
