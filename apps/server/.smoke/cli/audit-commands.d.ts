import type { Command } from 'commander';
/** Where the command writes; tests capture it. */
export interface CommandOutput {
    write(text: string): void;
    writeError(text: string): void;
}
/** Verifies the export at `file`, reports to `output`, and returns the exit code. */
export declare function runAuditVerify(file: string, output?: CommandOutput): Promise<number>;
/** Adds the `audit` command group to the CLI. */
export declare function registerAuditCommands(program: Command): void;
