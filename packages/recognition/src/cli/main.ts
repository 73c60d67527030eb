#!/usr/bin/env node
import { Command } from 'commander';
import { registerRecognitionCommands } from './commands.js';

/** `faceledger` command: recognition tools (detect, embed, compare, eval, bench). */
const program = new Command('faceledger')
  .description('FaceLedger offline face recognition tools')
  .showHelpAfterError();
registerRecognitionCommands(program);
await program.parseAsync(process.argv);
