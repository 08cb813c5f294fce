#!/usr/bin/env -S npx tsx
import { Command, CommanderError } from 'commander';
import { registerDataImport } from './commands/data-import.command';
import { registerOutcomes } from './commands/outcomes.command';
import { CliInputError } from './commands/price-file';
import { registerQuant } from './commands/quant.command';
import { registerReplay } from './commands/replay.command';
import { registerTraining } from './commands/training.command';
import { registerUsers } from './commands/users.command';
import { loadCliConfig, type CliConfig } from './config';

let config: CliConfig;
try {
  config = loadCliConfig(process.env);
} catch (err) {
  console.error(`error: ${(err as Error).message}`);
  process.exit(1);
}

const program = new Command('tradeplane')
  .description(
    'Tradeplane command line: import market data, risk and regime maths, users and API keys, decision outcomes, market replay with paper trading.\nConfiguration comes from the environment (see .env.example).',
  )
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

registerDataImport(program.command('data').description('Market data'), config);
registerUsers(program, config);
registerQuant(program, config);
registerTraining(program, config);
registerOutcomes(program, config);
registerReplay(program, config);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode);
  if (err instanceof CliInputError) {
    console.error(`error: ${err.message}`);
    process.exit(2);
  }
  console.error(`error: ${(err as Error).message}`);
  process.exit(1);
}
