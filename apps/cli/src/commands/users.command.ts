import { openRepositories, type Role } from '@tradeplane/db';
import { generateSecret, hashPassword, sha256Hex } from '@tradeplane/platform';
import { InvalidArgumentError, type Command } from 'commander';
import type { CliConfig } from '../config';

const ROLES = ['viewer', 'quant', 'pm', 'admin'] as const;

function parseRole(value: string): Role {
  if (!(ROLES as readonly string[]).includes(value))
    throw new InvalidArgumentError(`must be one of ${ROLES.join(', ')}`);
  return value as Role;
}

export function registerUsers(program: Command, config: CliConfig): void {
  const user = program.command('user').description('Manage console users');
  user
    .command('create')
    .description(
      'Create a console user with a role (password from --password or the TP_NEW_PASSWORD variable)',
    )
    .requiredOption('--email <email>', 'sign-in email')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`, parseRole)
    .option(
      '--password <password>',
      'at least 8 characters (prefer TP_NEW_PASSWORD: shell history keeps arguments)',
    )
    .action(async (opts: { email: string; role: Role; password?: string }) => {
      const password = opts.password ?? config.commands.TP_NEW_PASSWORD;
      if (!password || password.length < 8)
        throw new InvalidArgumentError('--password: at least 8 characters');
      const repos = openRepositories({ url: config.db.DATABASE_URL, poolMax: 1 });
      try {
        if (await repos.users.findByEmail(opts.email))
          throw new InvalidArgumentError(`--email: ${opts.email} already exists`);
        const created = await repos.users.create(opts.email, await hashPassword(password), opts.role);
        await repos.audit.append({
          actor: 'cli',
          action: 'user.create',
          target: created.email,
          details: { role: opts.role },
        });
        console.log(JSON.stringify({ id: created.id, email: created.email, role: created.role }));
      } finally {
        await repos.db.close();
      }
    });

  const apikey = program.command('apikey').description("Manage API keys for the engine's HTTP API");
  apikey
    .command('create')
    .description('Create an API key; the secret is printed once and only its hash is stored')
    .requiredOption('--name <name>', 'what the key is for, e.g. "trading-engine-prod"')
    .action(async (opts: { name: string }) => {
      const repos = openRepositories({ url: config.db.DATABASE_URL, poolMax: 1 });
      try {
        const { secret, displayPrefix } = generateSecret('key');
        const key = await repos.apiKeys.create({
          name: opts.name,
          prefix: displayPrefix,
          keyHash: sha256Hex(secret),
          createdBy: null,
        });
        await repos.audit.append({
          actor: 'cli',
          action: 'apikey.create',
          target: key.id,
          details: { name: opts.name },
        });
        console.log(JSON.stringify({ id: key.id, name: opts.name, prefix: displayPrefix, secret }));
      } finally {
        await repos.db.close();
      }
    });
}
