import type { SeriesStats } from '@tradeplane/db';
import { connection, cursorCodec, cursorParts } from '@tradeplane/platform';
import { z } from 'zod';
import { requireRole, requireUser } from '../../auth/roles';
import { GatewayError, badInput } from '../../errors/graphql-errors';
import { pageSize, timeArg, timeframeArg } from '../arguments';
import type { DateTimeArgument } from '../scalars';
import type { GatewayContext } from '../../context';

const MAX_PAGE = 10_000;
const DEFAULT_PAGE = 500;

/** A position in a series: the bar's time, epoch ms (bars are unique per time). */
const barCursor = cursorCodec('bar', z.object({ ts: cursorParts.epochMs }));

async function instrumentOrThrow(ctx: GatewayContext, symbol: string) {
  const instrument = await ctx.repos.instruments.findBySymbol(symbol.toUpperCase());
  if (!instrument) throw new GatewayError('NOT_FOUND', `unknown symbol: ${symbol}`);
  return instrument;
}

interface InstrumentParent {
  id: number;
  symbol: string;
  assetClass: string;
  quoteAsset: string;
  stats: SeriesStats[];
}

function withStats(
  instrument: { id: number; symbol: string; assetClass: string; quoteAsset: string },
  stats: SeriesStats[],
): InstrumentParent {
  return { ...instrument, stats: stats.filter((s) => s.instrumentId === instrument.id) };
}

export const marketDataResolvers = {
  Instrument: {
    timeframes: (p: InstrumentParent) => p.stats.map((s) => s.timeframe),
    barCount: (p: InstrumentParent) => p.stats.reduce((n, s) => n + s.barCount, 0),
    firstBar: (p: InstrumentParent) =>
      p.stats.length ? new Date(Math.min(...p.stats.map((s) => s.firstBar.getTime()))) : null,
    lastBar: (p: InstrumentParent) =>
      p.stats.length ? new Date(Math.max(...p.stats.map((s) => s.lastBar.getTime()))) : null,
  },
  Query: {
    async instruments(_: unknown, __: unknown, ctx: GatewayContext) {
      requireUser(ctx);
      const [instruments, stats] = await Promise.all([
        ctx.repos.instruments.list(),
        ctx.repos.bars.seriesStats(),
      ]);
      return instruments.map((i) => withStats(i, stats));
    },
    async instrument(_: unknown, args: { symbol: string }, ctx: GatewayContext) {
      requireUser(ctx);
      const instrument = await ctx.repos.instruments.findBySymbol(args.symbol.toUpperCase());
      return instrument ? withStats(instrument, await ctx.repos.bars.seriesStats()) : null;
    },
    async bars(
      _: unknown,
      args: {
        symbol: string;
        timeframe: string;
        from?: DateTimeArgument | null;
        to?: DateTimeArgument | null;
        first?: number;
        after?: string;
      },
      ctx: GatewayContext,
    ) {
      requireUser(ctx);
      const first = pageSize(args.first, { defaultSize: DEFAULT_PAGE, max: MAX_PAGE });
      const timeframe = timeframeArg(args.timeframe);
      const range = {
        fromMs: timeArg('from', args.from)?.getTime(),
        toMs: timeArg('to', args.to)?.getTime(),
      };
      const instrument = await instrumentOrThrow(ctx, args.symbol);
      const [page, totalCount] = await Promise.all([
        ctx.repos.bars.page(instrument.id, timeframe, {
          ...range,
          afterMs: args.after ? barCursor.decode(args.after).ts : undefined,
          limit: first,
        }),
        ctx.repos.bars.count(instrument.id, timeframe, range),
      ]);
      const items = page.rows.map(({ ts, ...ohlcv }) => ({
        node: { time: new Date(ts), ...ohlcv },
        cursor: { ts },
      }));
      return { ...connection({ items, hasNextPage: page.hasNextPage }, barCursor.encode), totalCount };
    },
    async features(
      _: unknown,
      args: { symbol: string; timeframe: string; asOf?: DateTimeArgument | null },
      ctx: GatewayContext,
    ) {
      requireUser(ctx);
      const timeframe = timeframeArg(args.timeframe);
      const v = await ctx.engine.get<{
        symbol: string;
        timeframe: string;
        asOf: string;
        barTime: string;
        source: string;
        values: Record<string, number | null>;
      }>(`/api/v1/features/${encodeURIComponent(args.symbol)}/${timeframe}`, {
        asOf: timeArg('asOf', args.asOf)?.toISOString(),
      });
      return { ...v, values: Object.entries(v.values).map(([name, value]) => ({ name, value })) };
    },
    async featureSeries(
      _: unknown,
      args: {
        symbol: string;
        timeframe: string;
        from?: DateTimeArgument | null;
        to?: DateTimeArgument | null;
      },
      ctx: GatewayContext,
    ) {
      requireUser(ctx);
      const timeframe = timeframeArg(args.timeframe);
      return ctx.engine.get(`/api/v1/features/${encodeURIComponent(args.symbol)}/${timeframe}/series`, {
        from: timeArg('from', args.from)?.toISOString(),
        to: timeArg('to', args.to)?.toISOString(),
      });
    },
  },
  Mutation: {
    async backfillFeatures(_: unknown, args: { symbols: string[]; timeframe: string }, ctx: GatewayContext) {
      const user = requireRole(ctx, ['quant', 'admin']);
      const timeframe = timeframeArg(args.timeframe);
      if (args.symbols.length === 0) throw badInput('symbols', 'symbols must not be empty');
      const symbols = args.symbols.map((s) => s.toUpperCase());
      for (const [i, symbol] of symbols.entries()) {
        if (!(await ctx.repos.instruments.findBySymbol(symbol)))
          throw badInput(`symbols[${i}]`, `unknown symbol: ${symbol}`);
      }
      const jobId = await ctx.backfillQueue.enqueue({ symbols, timeframe });
      await ctx.repos.audit.append({
        actor: `user:${user.id}`,
        action: 'features.backfill',
        target: jobId,
        details: { symbols, timeframe },
      });
      return jobId;
    },
  },
};
