import type { Command } from 'commander';
import { UsersService } from '../modules/users/users.service.js';
/** The terminal, as the command sees it; tests pass their own. */
export interface AdminCommandIo {
    write(text: string): void;
    writeError(text: string): void;
    /** Everything on stdin (for --password-stdin). */
    readStdin(): Promise<string>;
    /** Asks on the terminal without echo; null when stdin is not a terminal. */
    promptHidden: ((question: string) => Promise<string>) | null;
}
/** An open users service and how to close what it runs on. */
export interface UsersHandle {
    users: UsersService;
    close(): Promise<void>;
}
/** Creates the ADMIN `email` and returns the exit code. */
export declare function runAdminCreate(options: {
    email: string;
    passwordStdin?: boolean;
}, io: AdminCommandIo, openUsers: () => Promise<UsersHandle>): Promise<number>;
/** Adds the `admin` command group to the CLI. */
export declare function registerAdminCommands(program: Command): void;
