import { generateSecret, sha256Hex } from '@tradeplane/platform';
import { requireRole } from '../../auth/roles';
import { badInput } from '../../errors/graphql-errors';
import type { GatewayContext } from '../../context';

export const apiKeyResolvers = {
  Mutation: {
    async createApiKey(_: unknown, args: { name: string }, ctx: GatewayContext) {
      const user = requireRole(ctx, ['admin']);
      const name = args.name.trim();
      if (name.length < 3 || name.length > 64) throw badInput('name', 'name must be 3 to 64 characters');
      const { secret, displayPrefix } = generateSecret('key');
      const key = await ctx.repos.apiKeys.create({
        name,
        prefix: displayPrefix,
        keyHash: sha256Hex(secret),
        createdBy: user.id,
      });
      await ctx.repos.audit.append({
        actor: `user:${user.id}`,
        action: 'apikey.create',
        target: key.id,
        details: { name, prefix: displayPrefix },
      });
      return { id: key.id, name, prefix: displayPrefix, secret };
    },
  },
};
