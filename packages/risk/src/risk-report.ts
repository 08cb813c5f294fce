import {
  checkLimits,
  hrpFromMatrices,
  inverseVarianceWeights,
  pairwiseCovCorr,
  portfolioVar,
  simpleReturns,
  type LimitBreach,
  type LinkageMethod,
  type PreTradeLimits,
  type PriceTable,
} from '@tradeplane/quant';

export interface WeightEntry {
  symbol: string;
  weight: number;
}

/** VaR and CVaR of the HRP portfolio at one level, losses as positive fractions, one day. */
export interface VarFigure {
  level: number;
  historicalVar: number;
  historicalCvar: number;
  parametricVar: number;
  parametricCvar: number;
}

/** Portfolio risk of a universe: what the console's risk page shows (`RiskReport` in GraphQL). */
export interface RiskReport {
  symbols: string[];
  from: Date;
  to: Date;
  /** Daily returns: trading days in the window less one. */
  observations: number;
  hrp: {
    linkage: LinkageMethod;
    weights: WeightEntry[];
    order: string[];
    dendrogram: Array<{ left: number; right: number; distance: number; size: number }>;
  };
  inverseVariance: WeightEntry[];
  /** Pairwise-complete correlations; null where a pair never overlaps. */
  correlation: { symbols: string[]; values: Array<Array<number | null>> };
  var: VarFigure[];
  /** The configured limit the HRP weights are checked against (RISK_MAX_CONCENTRATION). */
  maxConcentration: number;
  /** Breaches of the configured concentration, gross and net limits by the HRP weights. */
  breaches: LimitBreach[];
}

const VAR_LEVELS = [0.95, 0.99] as const;

const entries = (weights: Record<string, number>): WeightEntry[] =>
  Object.entries(weights).map(([symbol, weight]) => ({ symbol, weight }));
const finiteOrNull = (x: number) => (Number.isFinite(x) ? x : null);

/**
 * The report of daily closes aligned on the union of their dates (NaN where a symbol has no
 * bar), judged against `limits`. Pure: the same table and limits give the same report.
 */
export function computeRiskReport(
  table: PriceTable,
  linkage: LinkageMethod,
  limits: PreTradeLimits,
): RiskReport {
  const returns = simpleReturns(table);
  const { cov, corr } = pairwiseCovCorr(returns);
  const result = hrpFromMatrices(cov, corr, { linkage }); // one pass over the pairs
  const var_ = VAR_LEVELS.map((level): VarFigure => {
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
      dendrogram: result.dendrogram.map(([left, right, distance, size]) => ({ left, right, distance, size })),
    },
    inverseVariance: entries(inverseVarianceWeights(cov)),
    correlation: { symbols: corr.columns, values: corr.values.map((row) => Array.from(row, finiteOrNull)) },
    var: var_,
    maxConcentration: limits.maxConcentration,
    breaches: checkLimits(result.weights, {
      maxConcentration: limits.maxConcentration,
      maxGross: limits.maxGross,
      minNet: limits.minNet,
      maxNet: limits.maxNet,
      tolerance: limits.tolerance,
    }),
  };
}
