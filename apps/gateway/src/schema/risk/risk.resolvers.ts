import type { Repositories } from '@tradeplane/db';
import {
  checkLimits,
  hrpFromMatrices,
  inverseVarianceWeights,
  pairwiseCovCorr,
  portfolioVar,
  simpleReturns,
  type LinkageMethod,
  type PriceTable,
} from '@tradeplane/quant';
import { requireUser } from '../../auth/roles';
import { badInput } from '../../errors/graphql-errors';
import type { GatewayContext } from '../../context';

const MAX_CONCENTRATION = 0.25;
const DAY_MS = 86_400_000;

/**
 * Daily closes of the universe aligned on the union of their dates (NaN where a symbol has
 * no bar: before its listing, or a hole) — the alignment the pairwise-complete maths expects.
 */
export async function loadDailyUniverse(
  repos: Repositories,
  symbols: string[] | undefined,
  range: { fromMs?: number; toMs?: number },
): Promise<PriceTable> {
  const stats = await repos.bars.seriesStats();
  const instruments = await repos.instruments.list();
  const daily = new Set(stats.filter((s) => s.timeframe === '1d').map((s) => s.instrumentId));
  let chosen = instruments.filter(
    (i) => daily.has(i.id) && (i.assetClass === 'equity' || i.assetClass === 'etf'),
  );
  if (symbols) {
    chosen = symbols.map((symbol, k) => {
      const found = instruments.find((i) => i.symbol === symbol.toUpperCase());
      if (!found || !daily.has(found.id)) throw badInput(`symbols[${k}]`, `no daily bars for ${symbol}`);
      return found;
    });
  }
  if (chosen.length < 2)
    throw badInput('symbols', 'a risk report needs at least two symbols with daily bars');
  const series = await Promise.all(chosen.map((i) => repos.bars.loadColumns(i.id, '1d')));
  const days = new Set<number>();
  for (const s of series)
    for (const t of s.ts) if ((range.fromMs ?? -Infinity) <= t && t <= (range.toMs ?? Infinity)) days.add(t);
  const sorted = [...days].sort((a, b) => a - b);
  const row = new Map(sorted.map((t, i) => [t, i]));
  const prices = series.map((s) => {
    const column = new Float64Array(sorted.length).fill(Number.NaN);
    s.ts.forEach((t, i) => {
      const r = row.get(t);
      if (r !== undefined) column[r] = s.close[i]!;
    });
    return column;
  });
  return {
    dates: sorted.map((t) => new Date(Math.floor(t / DAY_MS) * DAY_MS).toISOString().slice(0, 10)),
    columns: chosen.map((i) => i.symbol),
    prices,
  };
}

const entries = (weights: Record<string, number>) =>
  Object.entries(weights).map(([symbol, weight]) => ({ symbol, weight }));
const finiteOrNull = (x: number) => (Number.isFinite(x) ? x : null);

export const riskResolvers = {
  Query: {
    async riskReport(
      _: unknown,
      args: { symbols?: string[]; linkage: LinkageMethod; from?: Date; to?: Date },
      ctx: GatewayContext,
    ) {
      requireUser(ctx);
      const table = await loadDailyUniverse(ctx.repos, args.symbols, {
        fromMs: args.from?.getTime(),
        toMs: args.to?.getTime(),
      });
      if (table.dates.length < 30)
        throw badInput('from', `only ${table.dates.length} trading days in the window; at least 30 needed`);
      const returns = simpleReturns(table);
      const { cov, corr } = pairwiseCovCorr(returns);
      const result = hrpFromMatrices(cov, corr, { linkage: args.linkage }); // one pass over the pairs
      const var_ = [0.95, 0.99].map((level) => {
        const h = portfolioVar(returns, result.weights, { level, method: 'historical' });
        const p = portfolioVar(returns, result.weights, { level, method: 'parametric' });
        return {
          level,
          historicalVar: h.var,
          historicalCvar: h.cvar,
          parametricVar: p.var,
          parametricCvar: p.cvar,
        };
      });
      return {
        symbols: table.columns,
        from: new Date(`${table.dates[0]}T00:00:00Z`),
        to: new Date(`${table.dates.at(-1)}T00:00:00Z`),
        observations: table.dates.length - 1,
        hrp: {
          linkage: result.linkage,
          weights: entries(result.weights),
          order: result.order,
          dendrogram: result.dendrogram.map(([left, right, distance, size]) => ({
            left,
            right,
            distance,
            size,
          })),
        },
        inverseVariance: entries(inverseVarianceWeights(cov)),
        correlation: {
          symbols: corr.columns,
          values: corr.values.map((row) => Array.from(row, finiteOrNull)),
        },
        var: var_,
        maxConcentration: MAX_CONCENTRATION,
        breaches: checkLimits(result.weights, { maxConcentration: MAX_CONCENTRATION }),
      };
    },
  },
};
