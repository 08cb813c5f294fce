/**
 * A market replay with a paper trading client: stored bars after a cut-off are played to the
 * engine as if live (`POST /api/v1/bars`, which publishes them to `market-data`), and after each
 * bar time the client asks for one decision on the universe, holding the paper portfolio the
 * decisions imply: its drifted weights are the next request's `portfolio`.
 *
 * The engine's replay cut-off hides the played series' bars after `from` (the regime benchmark's
 * too) until they are played, so no decision sees a bar before its time. The driver is a
 * function of its seams (engine, stored bars, ledger progress, clock) so tests can drive it and
 * stop Kafka in the middle.
 */
import {
  TIMEFRAME_MS,
  type BarColumns,
  type MarketBar,
  type PredictResponse,
  type ReplayState,
  type Timeframe,
} from '@tradeplane/contracts';
import { PaperPortfolio, type LimitOptions, type PaperBar } from '@tradeplane/quant';
import type { EngineClient } from './engine-client';

export interface ReplayOptions {
  /** Upper-cased, no repeats; the decision universe. */
  symbols: string[];
  timeframe: Timeframe;
  fromMs: number;
  /** Inclusive. */
  toMs: number;
  /** N × real time (a bar lasts its timeframe ÷ N), or as fast as the loop goes. */
  speed: number | 'max';
  costBps: number;
  portfolioId: string;
  /** The exposure limits the held book is checked against (`checkLimits`' defaults, the engine's, when absent). */
  limits?: LimitOptions;
  /** How long to wait for the ledger to record every outcome after the last bar (ms). */
  ledgerWaitMs: number;
}

/** Every stored bar of these series, oldest first (PostgreSQL in the CLI); unknown symbols absent. */
export type StoredBars = (
  symbols: readonly string[],
  timeframe: Timeframe,
) => Promise<Map<string, BarColumns>>;

export interface LedgerProgress {
  countForPortfolio(portfolioId: string): Promise<{ decisions: number; recorded: number; waiting: number }>;
}

export type ReplayEvent =
  | { kind: 'started'; replay: ReplayState; barTimes: number; barsToPlay: number; expectedMs: number | null }
  | {
      kind: 'bar';
      n: number;
      of: number;
      ts: number;
      bar: PaperBar;
      decision: PredictResponse;
    }
  | { kind: 'ledger'; decisions: number; recorded: number; waiting: number; expected: number };

export interface ReplayDeps {
  engine: EngineClient;
  storedBars: StoredBars;
  ledger: LedgerProgress;
  onEvent?: (event: ReplayEvent) => void;
  /** Aborted: the replay stops after the bar in flight and ends cleanly. */
  signal?: AbortSignal;
  clock?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface ReplayRun {
  replay: ReplayState;
  /** The replay's final state from the engine (its counterfactuals), null when ending it failed. */
  ended: ReplayState | null;
  /** Bar times played, and the decisions made (one per bar time). */
  barTimes: number;
  decisions: PredictResponse[];
  barsPlayed: { accepted: number; duplicates: number };
  paper: PaperPortfolio;
  ledger: { decisions: number; recorded: number; waiting: number; waitedMs: number; complete: boolean };
  /** Decisions whose targets have no stored bar after them: their outcomes wait by design. */
  withoutNextBar: number;
  aborted: boolean;
  elapsedMs: number;
}

/** Bars per `POST /api/v1/bars` (the engine's ENGINE_BARS_BATCH_MAX default is 1,000). */
const BARS_PER_POST = 500;

export async function runReplay(options: ReplayOptions, deps: ReplayDeps): Promise<ReplayRun> {
  const clock = deps.clock ?? Date.now;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const emit = deps.onEvent ?? (() => undefined);
  const started = clock();
  const { symbols, timeframe } = options;

  const replay = await deps.engine.startReplay({
    symbols,
    timeframe,
    from: new Date(options.fromMs).toISOString(),
    portfolioId: options.portfolioId,
  });
  let ended: ReplayState | null = null;
  const paper = new PaperPortfolio({
    costBps: options.costBps,
    ...(options.limits ? { limits: options.limits } : {}),
  });
  const decisions: PredictResponse[] = [];
  const barsPlayed = { accepted: 0, duplicates: 0 };
  let aborted = false;
  let barTimes: number[] = [];
  let withoutNextBar = 0;
  try {
    // Everything the replay hides is played back, the regime benchmark included.
    const plan = await playPlan(replay, options, deps.storedBars);
    barTimes = plan.decisionTimes;
    withoutNextBar = plan.withoutNextBar;
    const step = options.speed === 'max' ? 0 : TIMEFRAME_MS[timeframe] / options.speed;
    emit({
      kind: 'started',
      replay,
      barTimes: barTimes.length,
      barsToPlay: plan.bars.length,
      expectedMs: options.speed === 'max' ? null : step * barTimes.length,
    });

    let next = 0;
    for (let n = 0; n < barTimes.length; n++) {
      if (deps.signal?.aborted) {
        aborted = true;
        break;
      }
      const ts = barTimes[n]!;
      const tickStart = clock();
      // Every hidden bar up to this time: the universe's bars at ts and any benchmark bar before.
      const batch: MarketBar[] = [];
      while (next < plan.bars.length && plan.bars[next]!.ts <= ts) batch.push(plan.bars[next++]!);
      for (let i = 0; i < batch.length; i += BARS_PER_POST) {
        const posted = await deps.engine.postBars(batch.slice(i, i + BARS_PER_POST), `replay:${replay.id}`);
        barsPlayed.accepted += posted.accepted;
        barsPlayed.duplicates += posted.duplicates;
      }
      const closes: Record<string, number> = {};
      for (const bar of batch)
        if (bar.timeframe === timeframe && symbols.includes(bar.symbol)) closes[bar.symbol] = bar.close;
      paper.markToMarket(ts, closes);
      const decision = await deps.engine.predict({
        symbols,
        timeframe,
        asOf: new Date(ts).toISOString(),
        portfolio: paper.weights,
        requestKey: `${options.portfolioId}-${n + 1}`,
        portfolioId: options.portfolioId,
      });
      const targets: Record<string, number> = {};
      for (const t of decision.targets) targets[t.symbol] = t.targetWeight;
      const bar = paper.rebalance(targets, decision.risk.verdict);
      decisions.push(decision);
      emit({ kind: 'bar', n: n + 1, of: barTimes.length, ts, bar, decision });
      if (step > 0) {
        const wait = step - (clock() - tickStart);
        if (wait > 0) await sleep(wait);
      }
    }
  } finally {
    try {
      ended = await deps.engine.endReplay(replay.id);
    } catch {
      // Reported as `ended: null`: the replay stays live on the engine until it is ended there.
    }
  }

  // The ledger records each decision once its next bar is stored; bound the wait.
  const expected = decisions.length;
  const waitStart = clock();
  let counts = await deps.ledger.countForPortfolio(options.portfolioId);
  const done = (c: typeof counts) =>
    c.decisions >= expected && c.recorded >= expected - Math.min(withoutNextBar, expected);
  while (!done(counts) && clock() - waitStart < options.ledgerWaitMs) {
    emit({ kind: 'ledger', ...counts, expected });
    await sleep(500);
    counts = await deps.ledger.countForPortfolio(options.portfolioId);
  }
  emit({ kind: 'ledger', ...counts, expected });

  return {
    replay,
    ended,
    barTimes: decisions.length,
    decisions,
    barsPlayed,
    paper,
    ledger: { ...counts, waitedMs: clock() - waitStart, complete: done(counts) },
    withoutNextBar: Math.min(withoutNextBar, expected),
    aborted,
    elapsedMs: clock() - started,
  };
}

interface PlayPlan {
  /** Every hidden bar in [from, to], all series, in time order (a batch lists each series oldest first). */
  bars: MarketBar[];
  /** Bar times of the universe in [from, to]: one decision each. */
  decisionTimes: number[];
  /** Decision times after which no universe series has a stored bar (the ledger cannot settle them). */
  withoutNextBar: number;
}

async function playPlan(
  replay: ReplayState,
  options: ReplayOptions,
  storedBars: StoredBars,
): Promise<PlayPlan> {
  const byTimeframe = new Map<Timeframe, string[]>();
  for (const s of replay.series) {
    const [symbol, tf] = s.split(' ') as [string, Timeframe];
    byTimeframe.set(tf, [...(byTimeframe.get(tf) ?? []), symbol]);
  }
  const bars: MarketBar[] = [];
  const times = new Set<number>();
  /** Per universe symbol, its newest stored bar (past `to` included). */
  const lastStored = new Map<string, number>();
  for (const [tf, symbols] of byTimeframe) {
    // The bars past `to` too: whether the last decisions can be settled.
    const loaded = await storedBars(symbols, tf);
    for (const [symbol, cols] of loaded) {
      const universe = tf === options.timeframe && options.symbols.includes(symbol);
      if (universe) lastStored.set(symbol, cols.ts.length > 0 ? cols.ts[cols.ts.length - 1]! : -Infinity);
      for (let i = 0; i < cols.ts.length; i++) {
        const ts = cols.ts[i]!;
        if (ts < options.fromMs) continue;
        if (ts > options.toMs) break;
        const volume = cols.volume ? cols.volume[i]! : Number.NaN;
        bars.push({
          symbol,
          timeframe: tf,
          ts,
          open: cols.open[i]!,
          high: cols.high[i]!,
          low: cols.low[i]!,
          close: cols.close[i]!,
          volume: Number.isNaN(volume) ? null : volume,
        });
        if (universe) times.add(ts);
      }
    }
  }
  bars.sort((a, b) => a.ts - b.ts);
  const decisionTimes = [...times].sort((a, b) => a - b);
  // A decision is recorded once every target has a bar after it.
  const settledBefore = Math.min(...lastStored.values());
  return { bars, decisionTimes, withoutNextBar: decisionTimes.filter((t) => t >= settledBefore).length };
}
