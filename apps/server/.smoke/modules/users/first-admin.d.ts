import type { Logger } from 'pino';
import type { UsersService } from './users.service.js';
/** The first admin's settings; both absent when not configured. */
export interface FirstAdminSettings {
    email: string | undefined;
    password: string | undefined;
}
export declare function createFirstAdminFromSettings(users: UsersService, settings: FirstAdminSettings, logger: Logger): Promise<void>;
