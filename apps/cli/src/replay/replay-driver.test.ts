import { readFileSync } from 'node:fs';
import path from 'node:path';
import type {
  BarColumns,
  MarketBar,
  PredictResponse,
  ReplayCounterfactual,
  ReplayState,
} from '@tradeplane/contracts';
import { parseWidePrices } from '@tradeplane/quant';
import { describe, expect, it } from 'vitest';
import { sharedData } from '../../../../test/stack';
import type { EngineClient, PredictBody } from './engine-client';
import { runReplay, type ReplayOptions } from './replay-driver';
import { buildReplayReport, formatReplayReport, replayDisruption } from './replay-report';

// Real closes: SPY 2019 (to 2019-12-09, the file's end) as stored daily bars at 00:00 UTC.
const table = parseWidePrices(readFileSync(path.join(sharedData, 'daily/spy_prices.csv'), 'utf8'));
const spy: BarColumns = (() => {
  const close = table.prices[0]!;
  const ts = Float64Array.from(table.dates, (d) => Date.parse(`${d}T00:00:00Z`));
  return { ts, open: close, high: close, low: close, close, volume: null };
})();
const day = (d: string) => Date.parse(`${d}T00:00:00Z`);
const closeOn = (d: string) => spy.close[table.dates.indexOf(d)]!;

/** A fake engine that holds 25% SPY on odd decisions and 10% on even ones, and records what it was sent. */
function fakeEngine(
  options: { counterfactuals?: (d: PredictResponse, n: number) => ReplayCounterfactual } = {},
) {
  const posted: MarketBar[][] = [];
  const asked: PredictBody[] = [];
  const decisions: PredictResponse[] = [];
  let ended = 0;
  const state: ReplayState = {
    id: 'r-1',
    timeframe: '1d',
    cutoff: '',
    symbols: ['SPY'],
    series: ['SPY 1d'],
    startedAt: '',
    portfolioId: 'paper-t',
    counterfactuals: { decisions: [], dropped: 0 },
  };
  const engine: EngineClient = {
    startReplay: async (body) => ({ ...state, cutoff: new Date(Date.parse(body.from) - 1).toISOString() }),
    endReplay: async () => {
      ended++;
      return { ...state, ended: true };
    },
    postBars: async (bars) => {
      posted.push([...bars]);
      return { accepted: bars.length, duplicates: 0 };
    },
    predict: async (body) => {
      asked.push(body);
      const n = asked.length;
      const target = n % 2 === 1 ? 0.25 : 0.1;
      const decision = {
        id: `D${n}`,
        asOf: body.asOf,
        targets: [
          {
            symbol: 'SPY',
            currentWeight: body.portfolio.SPY ?? 0,
            proposedWeight: target,
            targetWeight: target,
          },
        ],
        risk: { verdict: 'approve', scale: 1, bindingRule: null, rules: [] },
        timings: { featuresMs: 0, regimeMs: 0, modelsMs: 0, riskMs: 0, totalMs: 0.1 * n },
      } as unknown as PredictResponse;
      decisions.push(decision);
      if (options.counterfactuals) state.counterfactuals.decisions.push(options.counterfactuals(decision, n));
      return decision;
    },
  };
  return { engine, posted, asked, ended: () => ended };
}

const options = (over: Partial<ReplayOptions> = {}): ReplayOptions => ({
  symbols: ['SPY'],
  timeframe: '1d',
  fromMs: day('2019-01-02'),
  toMs: day('2019-01-31'),
  speed: 'max',
  costBps: 5,
  portfolioId: 'paper-t',
  ledgerWaitMs: 10_000,
  ...over,
});

const ledgerOf = (counts: Array<{ decisions: number; recorded: number; waiting: number }>) => {
  let i = 0;
  return { countForPortfolio: async () => counts[Math.min(i++, counts.length - 1)]! };
};

describe('runReplay', () => {
  it('plays each bar before the decision on it, holds the drifted book, and waits for the ledger', async () => {
    const { engine, posted, asked } = fakeEngine();
    const n = table.dates.filter((d) => d >= '2019-01-02' && d <= '2019-01-31').length;
    let sleeps = 0;
    const run = await runReplay(options(), {
      engine,
      storedBars: async () => new Map([['SPY', spy]]),
      ledger: ledgerOf([
        { decisions: n - 1, recorded: n - 1, waiting: 0 },
        { decisions: n, recorded: n, waiting: 0 },
      ]),
      sleep: async () => void sleeps++,
    });
    expect(run.decisions).toHaveLength(n);
    expect(posted.map((b) => b.map((x) => x.ts))).toEqual(asked.map((a) => [Date.parse(a.asOf)]));
    expect(posted[0]![0]).toMatchObject({
      symbol: 'SPY',
      timeframe: '1d',
      close: closeOn('2019-01-02'),
      volume: null,
    });
    expect(asked[0]).toMatchObject({
      portfolio: {},
      requestKey: 'paper-t-1',
      portfolioId: 'paper-t',
      symbols: ['SPY'],
    });
    // 25% SPY held from 01-02 to 01-03, drifted by SPY's real return before the second request.
    const r = closeOn('2019-01-03') / closeOn('2019-01-02') - 1;
    expect(asked[1]!.portfolio.SPY).toBeCloseTo((0.25 * (1 + r)) / (1 + 0.25 * r), 12);
    expect(run.paper.bars[1]!.grossReturn).toBeCloseTo(0.25 * r, 12);
    // Stored bars go on past --to: every decision can be settled; one wait for the ledger.
    expect(run.withoutNextBar).toBe(0);
    expect(run.ledger).toMatchObject({ decisions: n, recorded: n, complete: true });
    expect(sleeps).toBe(1);
    expect(run.ended?.ended).toBe(true);
  });

  it('says which decisions cannot be settled, paces by the speed, and ends the replay when stopped', async () => {
    const { engine, ended } = fakeEngine();
    let now = 0;
    const slept: number[] = [];
    const abort = new AbortController();
    const run = await runReplay(
      options({ fromMs: day('2019-12-02'), toMs: day('2019-12-09'), speed: 86_400 }),
      {
        engine,
        storedBars: async () => new Map([['SPY', spy]]),
        ledger: ledgerOf([{ decisions: 6, recorded: 5, waiting: 1 }]),
        clock: () => now,
        sleep: async (ms) => {
          slept.push(ms);
          now += ms;
        },
      },
    );
    // 2019-12-09 is the last stored SPY bar: its decision waits for a bar that does not exist.
    expect(run.withoutNextBar).toBe(1);
    expect(run.ledger.complete).toBe(true);
    // 86,400x: a daily bar lasts 1 s.
    expect(slept.slice(0, 6)).toEqual([1000, 1000, 1000, 1000, 1000, 1000]);

    const stopped = await runReplay(options(), {
      engine,
      storedBars: async () => new Map([['SPY', spy]]),
      ledger: ledgerOf([{ decisions: 3, recorded: 3, waiting: 0 }]),
      signal: abort.signal,
      onEvent: (e) => {
        if (e.kind === 'bar' && e.n === 3) abort.abort();
      },
      sleep: async () => undefined,
    });
    expect(stopped).toMatchObject({ aborted: true, barTimes: 3 });
    expect(ended()).toBe(2);
  });

  it('ends the replay when the engine refuses a request, and the error reaches the caller', async () => {
    const { engine, ended } = fakeEngine();
    engine.predict = async () => {
      throw new Error('predict: 400 symbols[0]: unknown symbol');
    };
    await expect(
      runReplay(options(), {
        engine,
        storedBars: async () => new Map([['SPY', spy]]),
        ledger: ledgerOf([{ decisions: 0, recorded: 0, waiting: 0 }]),
      }),
    ).rejects.toThrow(/unknown symbol/);
    expect(ended()).toBe(1);
  });
});

describe('replay report', () => {
  it('reports paper and ledger figures, and disruption on the filtered regime’s transitions', async () => {
    // Regime flips to bear on the 4th decision: the counterfactual hard switch trades 0.6 there.
    const labels = (n: number) => (n >= 4 && n < 8 ? 'bear' : 'bull');
    const { engine } = fakeEngine({
      counterfactuals: (d, n) => ({
        decisionId: d.id,
        asOf: d.asOf,
        regime: { served: 'bull', filtered: labels(n) },
        proposed: {
          served: { SPY: d.targets[0]!.proposedWeight },
          filtered: { SPY: d.targets[0]!.proposedWeight },
          hard: { SPY: labels(n) === 'bear' ? 0.2 : 0.8 },
        },
      }),
    });
    const opts = options();
    const run = await runReplay(opts, {
      engine,
      storedBars: async () => new Map([['SPY', spy]]),
      ledger: ledgerOf([{ decisions: 21, recorded: 21, waiting: 0 }]),
      sleep: async () => undefined,
    });
    const report = buildReplayReport(run, opts, [
      { net: 0.01, turnover: 0.5, riskRuleHit: false },
      { net: -0.005, turnover: 0.3, riskRuleHit: true },
    ]);
    expect(report.decisions).toBe(run.decisions.length);
    expect(report.paper.equity).toBeCloseTo(run.paper.equity, 15);
    expect(report.paper.violations).toMatchObject({ bars: 0, of: run.decisions.length });
    expect(report.ledger.summary).toMatchObject({ decisions: 2, riskRuleHits: 1 });
    expect(report.ledger.summary!.totalNet).toBeCloseTo(1.01 * 0.995 - 1, 12);
    const d = report.disruption!;
    expect(d.transitions).toBe(2);
    // Hard switch: 0.6 traded on both transitions (one-way turnover 0.5·0.6 + 0.5·0.6), none between.
    expect(d.hard.transitionTurnover).toBeCloseTo(0.6, 12);
    expect(d.hard.otherTurnover).toBe(0);
    // The fake's book alternates 0.25/0.1 every bar, transition or not.
    expect(d.paper.otherTurnover).toBeGreaterThan(0.1);
    expect(d.met).toBe(false);
    expect(formatReplayReport(report)).toContain('limit violations 0 of');
    expect(replayDisruption(run.decisions, run.paper.bars, [], 0)).toBeNull();
  });
});
