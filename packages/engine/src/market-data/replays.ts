import { randomUUID } from 'node:crypto';
import type { Timeframe } from '@tradeplane/contracts';
import { UnknownSymbolError, type BarStore } from '../features';

/** A market replay's cut-off on this engine. */
export interface Replay {
  id: string;
  timeframe: Timeframe;
  /** Bars after this time (ISO 8601) were hidden when the replay started. */
  cutoff: string;
  symbols: string[];
  /** Every series the replay hides, the regime benchmark included (`SYMBOL timeframe`). */
  series: string[];
  startedAt: string;
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
 * series: their cut-offs would contradict each other.
 */
export class ReplayRegistry {
  private readonly replays = new Map<string, Replay>();
  /** Series key → id of the live replay hiding it. */
  private readonly owners = new Map<string, string>();

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

  /** Hides the bars after `fromMs` of `symbols` (upper-cased) and the benchmark, and loads them. */
  async start(symbols: readonly string[], timeframe: Timeframe, fromMs: number): Promise<Replay> {
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
    };
    this.replays.set(id, replay);
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
