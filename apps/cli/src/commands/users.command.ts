import { openRepositories, type Role } from '@tradeplane/db';
import {
  generateSecret,
  hashPassword,
  isApiKeyRateLimit,
  MAX_API_KEY_RATE_LIMIT_PER_S,
  sha256Hex,
} from '@tradeplane/platform';
import { InvalidArgumentError, type Command } from 'commander';
import type { CliConfig } from '../config';

const ROLES = ['viewer', 'quant', 'pm', 'admin'] as const;

function parseRole(value: string): Role {
  if (!(ROLES as readonly string[]).includes(value))
    throw new InvalidArgumentError(`must be one of ${ROLES.join(', ')}`);
  return value as Role;
}

function parseRateLimit(value: string): number {
  const perS = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!isApiKeyRateLimit(perS))
    throw new InvalidArgumentError(`must be a whole number from 1 to ${MAX_API_KEY_RATE_LIMIT_PER_S}`);
  return perS;
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
    .option(
      '--rate-limit <per-second>',
      'requests per second the key may make (default: unlimited, as a trading engine needs)',
      parseRateLimit,
    )
    .action(async (opts: { name: string; rateLimit?: number }) => {
      const rateLimitPerS = opts.rateLimit ?? null;
      const repos = openRepositories({ url: config.db.DATABASE_URL, poolMax: 1 });
      try {
        const { secret, displayPrefix } = generateSecret('key');
        const key = await repos.apiKeys.create({
          name: opts.name,
          prefix: displayPrefix,
          keyHash: sha256Hex(secret),
          createdBy: null,
          rateLimitPerS,
        });
        await repos.audit.append({
          actor: 'cli',
          action: 'apikey.create',
          target: key.id,
          details: { name: opts.name, rateLimitPerS },
        });
        console.log(
          JSON.stringify({ id: key.id, name: opts.name, prefix: displayPrefix, secret, rateLimitPerS }),
        );
      } finally {
        await repos.db.close();
      }
    });
  apikey
    .command('rate-limit')
    .description("Set or clear an API key's rate limit (engines apply it within API_KEY_REFRESH_S)")
    .requiredOption('--id <id>', 'the key id (as `apikey create` printed it)')
    .option('--per-second <n>', 'requests per second', parseRateLimit)
    .option('--unlimited', 'remove the limit')
    .action(async (opts: { id: string; perSecond?: number; unlimited?: boolean }) => {
      if ((opts.perSecond === undefined) === !opts.unlimited)
        throw new InvalidArgumentError('give exactly one of --per-second <n> and --unlimited');
      if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(opts.id))
        throw new InvalidArgumentError('--id: must be an API key id (a UUID)');
      const rateLimitPerS = opts.perSecond ?? null;
      const repos = openRepositories({ url: config.db.DATABASE_URL, poolMax: 1 });
      try {
        const key = await repos.apiKeys.setRateLimit(opts.id, rateLimitPerS);
        if (!key) throw new InvalidArgumentError(`--id: no API key with id ${opts.id}`);
        await repos.audit.append({
          actor: 'cli',
          action: 'apikey.rate_limit',
          target: key.id,
          details: { rateLimitPerS },
        });
        console.log(JSON.stringify({ id: key.id, name: key.name, rateLimitPerS: key.rateLimitPerS }));
      } finally {
        await repos.db.close();
      }
    });
}
