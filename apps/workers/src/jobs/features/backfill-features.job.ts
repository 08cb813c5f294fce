import type { FeatureBackfillPayload } from '@tradeplane/contracts';
import type { Repositories } from '@tradeplane/db';
import { checkLookahead, sampleIndices } from '@tradeplane/quant';

export interface BackfillDeps {
  repos: Repositories;
  onAlarm: (alarm: { symbol: string; timeframe: string; feature: string; index: number }) => void;
}

export interface BackfillResult {
  symbol: string;
  bars: number;
  lookaheadChecked: number;
  violations: number;
}

/**
 * Computes each symbol's feature series from its stored bars and proves it point-in-time
 * on a seeded sample of bars (truncated-history value == full-history value), raising an alarm
 * per violation: an audit of the stored history. It writes nothing: the engine keeps every
 * series' feature columns in memory and needs no warmed cache. Idempotent.
 */
export async function backfillFeatures(
  payload: FeatureBackfillPayload,
  deps: BackfillDeps,
  progress: (done: number, total: number, symbol: string) => Promise<void>,
): Promise<BackfillResult[]> {
  const results: BackfillResult[] = [];
  for (const [i, symbol] of payload.symbols.entries()) {
    const instrument = await deps.repos.instruments.findBySymbol(symbol);
    if (!instrument) throw new Error(`symbols[${i}]: unknown symbol ${symbol}`);
    const bars = await deps.repos.bars.loadColumns(instrument.id, payload.timeframe);
    const n = bars.ts.length;
    const check = checkLookahead(bars, { sampleIndices: sampleIndices(n, Math.min(n, 64), n) });
    for (const v of check.violations) {
      deps.onAlarm({ symbol, timeframe: payload.timeframe, feature: v.feature, index: v.index });
    }
    results.push({
      symbol,
      bars: n,
      lookaheadChecked: check.checked,
      violations: check.violations.length,
    });
    await progress(i + 1, payload.symbols.length, symbol);
  }
  return results;
}
