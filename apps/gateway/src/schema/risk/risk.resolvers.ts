import type { LinkageMethod } from '@tradeplane/quant';
import { requireUser } from '../../auth/roles';
import type { GatewayContext } from '../../context';
import { timeArg } from '../arguments';
import type { DateTimeArgument } from '../scalars';

export const riskResolvers = {
  Query: {
    // The report and its limits are the risk service's (@tradeplane/risk), as the engine's check is.
    riskReport(
      _: unknown,
      args: {
        symbols?: string[];
        linkage: LinkageMethod;
        from?: DateTimeArgument | null;
        to?: DateTimeArgument | null;
      },
      ctx: GatewayContext,
    ) {
      requireUser(ctx);
      return ctx.riskReports.report({
        symbols: args.symbols,
        linkage: args.linkage,
        fromMs: timeArg('from', args.from)?.getTime(),
        toMs: timeArg('to', args.to)?.getTime(),
      });
    },
  },
};
