import { randomUUID } from 'node:crypto';
import type { ReplayCounterfactual, ReplayState, Timeframe } from '@tradeplane/contracts';
import { UnknownSymbolError, type BarStore } from '../features';

/** A market replay on this engine: its cut-off and the counterfactuals scored so far. */
export type Replay = ReplayState & { timeframe: Timeframe };

/**
 * Counterfactual records kept per replay: a daily replay of 30 years is under 8,000 decisions,
 * an intraday one could grow without end; beyond this they are counted, not kept.
 */
export const MAX_REPLAY_COUNTERFACTUALS = 20_000;

/** What the decision path asks before scoring a decision's regime counterfactuals. */
export interface CounterfactualRecorder {
  /** Whether a live replay scores the decisions of this portfolio. */
  observes(portfolioId: string): boolean;
  record(portfolioId: string, entry: ReplayCounterfactual): void;
}

export class ReplayConflictError extends Error {
  readonly code = 'CONFLICT' as const;
  readonly field = 'symbols';
}

export class ReplayUnknownSymbolError extends Error {
  readonly code = 'UNKNOWN_SYMBOL' as const;
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Replay cut-offs, in memory: a paper-trading facility. Starting a replay hides every bar
 * after `from` of its series (and of the regime benchmark, whose regime probabilities would
 * otherwise carry the future) from everything on this engine until the bars are played back
 * through `POST /api/v1/bars`; ending it shows the stored series again. So run replays on a
 * paper engine, never on the one a live trading client uses. Two live replays never share a
 * series: their cut-offs would contradict each other (and every replay hides the benchmark, so
 * one replay runs per engine at a time; its portfolio id is therefore its own).
 */
export class ReplayRegistry implements CounterfactualRecorder {
  private readonly replays = new Map<string, Replay>();
  /** Series key → id of the live replay hiding it. */
  private readonly owners = new Map<string, string>();
  /** Portfolio id → id of the live replay scoring its decisions. */
  private readonly portfolios = new Map<string, string>();

  constructor(
    private readonly bars: Pick<BarStore, 'hideAfter' | 'showAll' | 'get'>,
    private readonly benchmark: { symbol: string; timeframe: Timeframe },
    private readonly clock: () => number,
    /** Called after a series is hidden or shown again (the regime table follows the benchmark). */
    private readonly onSeriesChanged: (symbol: string, timeframe: Timeframe) => void = () => undefined,
  ) {}

  get(id: string): Replay | undefined {
    return this.replays.get(id);
  }

  observes(portfolioId: string): boolean {
    return this.portfolios.has(portfolioId);
  }

  record(portfolioId: string, entry: ReplayCounterfactual): void {
    const id = this.portfolios.get(portfolioId);
    const counterfactuals = id === undefined ? undefined : this.replays.get(id)?.counterfactuals;
    if (!counterfactuals) return;
    if (counterfactuals.decisions.length < MAX_REPLAY_COUNTERFACTUALS) counterfactuals.decisions.push(entry);
    else counterfactuals.dropped++;
  }

  /**
   * Hides the bars after `fromMs` of `symbols` (upper-cased) and the benchmark, and loads them.
   * With a `portfolioId`, the decisions made for it are scored with the regime counterfactuals
   * until the replay ends.
   */
  async start(
    symbols: readonly string[],
    timeframe: Timeframe,
    fromMs: number,
    portfolioId: string | null = null,
  ): Promise<Replay> {
    const targets: Array<{ symbol: string; timeframe: Timeframe; field: string }> = symbols.map(
      (symbol, i) => ({
        symbol,
        timeframe,
        field: `symbols[${i}]`,
      }),
    );
    const { symbol: benchmark, timeframe: benchmarkTf } = this.benchmark;
    if (!targets.some((t) => t.symbol === benchmark && t.timeframe === benchmarkTf))
      targets.push({ symbol: benchmark, timeframe: benchmarkTf, field: 'symbols' });
    for (const t of targets) {
      const owner = this.owners.get(key(t.symbol, t.timeframe));
      if (owner)
        throw new ReplayConflictError(
          `symbols: ${t.symbol} ${t.timeframe}${t.field === 'symbols' ? ' (the regime benchmark, part of every replay)' : ''} is already hidden by replay ${owner}; end it first (DELETE /api/v1/replays/${owner})`,
        );
    }
    const id = randomUUID();
    const replay: Replay = {
      id,
      timeframe,
      cutoff: new Date(fromMs - 1).toISOString(),
      symbols: [...symbols],
      series: targets.map((t) => `${t.symbol} ${t.timeframe}`),
      startedAt: new Date(this.clock()).toISOString(),
      portfolioId,
      counterfactuals: { decisions: [], dropped: 0 },
    };
    this.replays.set(id, replay);
    if (portfolioId !== null) this.portfolios.set(portfolioId, id);
    for (const t of targets) {
      this.owners.set(key(t.symbol, t.timeframe), id);
      this.bars.hideAfter(t.symbol, t.timeframe, fromMs - 1);
    }
    try {
      for (const t of targets) {
        try {
          await this.bars.get(t.symbol, t.timeframe);
        } catch (err) {
          if (!(err instanceof UnknownSymbolError)) throw err;
          throw new ReplayUnknownSymbolError(t.field, `${t.field}: unknown symbol ${t.symbol}`);
        }
      }
    } catch (err) {
      this.end(id);
      throw err;
    }
    for (const t of targets) this.onSeriesChanged(t.symbol, t.timeframe);
    return replay;
  }

  /** Shows its series again; undefined when no such replay is live. */
  end(id: string): Replay | undefined {
    const replay = this.replays.get(id);
    if (!replay) return undefined;
    this.replays.delete(id);
    if (replay.portfolioId !== null) this.portfolios.delete(replay.portfolioId);
    for (const [k, owner] of [...this.owners]) {
      if (owner !== id) continue;
      this.owners.delete(k);
      const [symbol, timeframe] = k.split('\u0000') as [string, Timeframe];
      this.bars.showAll(symbol, timeframe);
      this.onSeriesChanged(symbol, timeframe);
    }
    return replay;
  }
}

const key = (symbol: string, timeframe: string) => `${symbol}\u0000${timeframe}`;
