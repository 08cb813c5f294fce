#!/usr/bin/env -S npx tsx
import { Command, CommanderError } from 'commander';
import { registerDataImport } from './commands/data-import.command';
import { registerUsers } from './commands/users.command';

const program = new Command('tradeplane')
  .description(
    'Tradeplane command line: import market data, manage users and API keys.\nConfiguration comes from the environment (see .env.example).',
  )
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

registerDataImport(program.command('data').description('Market data'));
registerUsers(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode);
  console.error(`error: ${(err as Error).message}`);
  process.exit(1);
}
