// The server's command line: `node dist/cli/main.js <group> <command>`. Each module registers its
// commands from its own file, so the groups compose here.
import { Command } from 'commander';
import { registerAdminCommands } from './admin-commands.js';
import { registerAuditCommands } from './audit-commands.js';
const program = new Command('faceledger').description('FaceLedger server administration');
registerAdminCommands(program);
registerAuditCommands(program);
await program.parseAsync(process.argv);
//# sourceMappingURL=main.js.map