import type { LinkageMethod } from '@tradeplane/quant';
import { requireUser } from '../../auth/roles';
import type { GatewayContext } from '../../context';

export const riskResolvers = {
  Query: {
    // The report and its limits are the risk service's (@tradeplane/risk), as the engine's check is.
    riskReport(
      _: unknown,
      args: { symbols?: string[]; linkage: LinkageMethod; from?: Date; to?: Date },
      ctx: GatewayContext,
    ) {
      requireUser(ctx);
      return ctx.riskReports.report({
        symbols: args.symbols,
        linkage: args.linkage,
        fromMs: args.from?.getTime(),
        toMs: args.to?.getTime(),
      });
    },
  },
};
