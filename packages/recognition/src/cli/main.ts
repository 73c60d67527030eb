#!/usr/bin/env node
import { Command } from 'commander';
import { registerRecognitionCommands } from './commands.js';
import { runDelegated } from './delegate.js';

/** `faceledger` command: recognition tools (detect, embed, compare, eval, bench). */
const program = new Command('faceledger')
  .description('FaceLedger offline face recognition tools')
  .showHelpAfterError();
registerRecognitionCommands(program);
// The ledger's offline verifier lives with the server (apps/server/src/cli); hand over to it.
program
  .command('audit')
  .description(
    'The audit ledger: `faceledger audit verify FILE` checks an export offline (runs faceledger-server audit)',
  )
  .helpOption(false)
  .allowUnknownOption()
  .allowExcessArguments()
  .argument('[args...]', 'passed on, e.g. verify FILE')
  .action(async (args: string[]) => {
    process.exitCode = await runDelegated(
      'faceledger-server',
      ['audit', ...args],
      'it comes with @faceledger/server (apps/server): run `npm install` in the FaceLedger repository.',
    );
  });
await program.parseAsync(process.argv);
