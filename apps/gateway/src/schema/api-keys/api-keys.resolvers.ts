import {
  generateSecret,
  isApiKeyRateLimit,
  MAX_API_KEY_RATE_LIMIT_PER_S,
  sha256Hex,
} from '@tradeplane/platform';
import { requireRole } from '../../auth/roles';
import { badInput, GatewayError } from '../../errors/graphql-errors';
import type { GatewayContext } from '../../context';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A rate limit argument: absent or null is unlimited, else a whole number of requests per second. */
function rateLimit(value: number | null | undefined): number | null {
  if (value === undefined || value === null) return null;
  if (!isApiKeyRateLimit(value))
    throw badInput(
      'rateLimitPerS',
      `rateLimitPerS must be a whole number of requests per second from 1 to ${MAX_API_KEY_RATE_LIMIT_PER_S}, or null for unlimited`,
    );
  return value;
}

export const apiKeyResolvers = {
  Query: {
    async apiKeys(_: unknown, __: unknown, ctx: GatewayContext) {
      requireRole(ctx, ['admin']);
      return ctx.repos.apiKeys.list();
    },
  },
  Mutation: {
    async createApiKey(
      _: unknown,
      args: { name: string; rateLimitPerS?: number | null },
      ctx: GatewayContext,
    ) {
      const user = requireRole(ctx, ['admin']);
      const name = args.name.trim();
      if (name.length < 3 || name.length > 64) throw badInput('name', 'name must be 3 to 64 characters');
      const rateLimitPerS = rateLimit(args.rateLimitPerS);
      const { secret, displayPrefix } = generateSecret('key');
      const key = await ctx.repos.apiKeys.create({
        name,
        prefix: displayPrefix,
        keyHash: sha256Hex(secret),
        createdBy: user.id,
        rateLimitPerS,
      });
      await ctx.repos.audit.append({
        actor: `user:${user.id}`,
        action: 'apikey.create',
        target: key.id,
        details: { name, prefix: displayPrefix, rateLimitPerS },
      });
      return { id: key.id, name, prefix: displayPrefix, secret, rateLimitPerS };
    },
    async setApiKeyRateLimit(
      _: unknown,
      args: { id: string; rateLimitPerS?: number | null },
      ctx: GatewayContext,
    ) {
      const user = requireRole(ctx, ['admin']);
      if (!UUID.test(args.id)) throw badInput('id', 'id must be an API key id (a UUID)');
      const rateLimitPerS = rateLimit(args.rateLimitPerS);
      const key = await ctx.repos.apiKeys.setRateLimit(args.id, rateLimitPerS);
      if (!key) throw new GatewayError('NOT_FOUND', `no API key with id ${args.id}`, 'id');
      await ctx.repos.audit.append({
        actor: `user:${user.id}`,
        action: 'apikey.rate_limit',
        target: key.id,
        details: { rateLimitPerS },
      });
      return key;
    },
  },
};
