import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { DecisionEvent } from '@tradeplane/contracts';
import type { OutcomeRecord } from '@tradeplane/db';
import { parseWidePrices } from '@tradeplane/quant';
import { describe, expect, it } from 'vitest';
import { sharedData } from '../../../../test/stack';
import { outcomeRecordedMessage, outcomeRows, resultFromCloses } from './outcome-rows';

// Real closes: AAPL and XOM on 2018-02-05 and 2018-02-06 (the 20-stock universe file).
const prices = parseWidePrices(readFileSync(path.join(sharedData, 'daily/stock_prices.csv'), 'utf8'), {
  columns: ['AAPL', 'XOM'],
});
const day = prices.dates.indexOf('2018-02-05');
const close = (symbol: 0 | 1, offset: number) => prices.prices[symbol]![day + offset]!;

function decision(overrides: Partial<DecisionEvent> = {}): DecisionEvent {
  const target = (symbol: string, currentWeight: number, targetWeight: number) => ({
    symbol,
    barTime: '2018-02-05T00:00:00.000Z',
    features: {},
    specialists: [],
    blendedSignal: 0.1,
    currentWeight,
    proposedWeight: targetWeight,
    targetWeight,
    weightsNormalised: false,
  });
  return {
    schemaVersion: 1,
    id: '01JQ0000000000000000000000',
    requestKey: 'k',
    portfolioId: 'paper-1',
    at: 1,
    timeframe: '1d',
    asOf: '2018-02-05T21:00:00Z',
    regime: { bull: 0.2, bear: 0.5, sideways: 0.3 },
    confidence: 0.4,
    targets: [target('AAPL', 0.1, 0.2), target('XOM', 0.15, 0.05)],
    risk: { verdict: 'resize', scale: 0.8, bindingRule: 'concentration', rules: [] },
    models: { arm: 'production', versions: { momentum: 2, mean_reversion: 1 } },
    shadow: {
      versions: { momentum: 3, mean_reversion: 1 },
      targets: [
        { symbol: 'AAPL', proposedWeight: 0.25, blendedSignal: 0.2 },
        { symbol: 'XOM', proposedWeight: 0, blendedSignal: -0.1 },
      ],
    },
    timings: { featuresMs: 0, regimeMs: 0, modelsMs: 0, riskMs: 0, totalMs: 0 },
    ...overrides,
  };
}

describe('outcomeRows', () => {
  it('books the acting arm and the shadow on the same current weights and bars', () => {
    const built = outcomeRows(decision(), 5);
    if (!built.ok) throw new Error(built.reason);
    expect(built.rows.map((r) => [r.symbol, r.arm, r.acted, r.currentWeight, r.targetWeight])).toEqual([
      ['AAPL', 'production', true, 0.1, 0.2],
      ['XOM', 'production', true, 0.15, 0.05],
      ['AAPL', 'shadow', false, 0.1, 0.25],
      ['XOM', 'shadow', false, 0.15, 0],
    ]);
    expect(built.rows[0]!.modelLabel).toBe('mean_reversion@v1+momentum@v2');
    expect(built.rows[2]!.modelLabel).toBe('mean_reversion@v1+momentum@v3');
    expect(built.rows[1]!.cost).toBeCloseTo(0.1 * 5e-4, 15);
    expect(built.rows.every((r) => r.barTimeMs === Date.UTC(2018, 1, 5) && r.riskVerdict === 'resize')).toBe(
      true,
    );
  });

  it("books a beside set's weight after its own pre-trade check, as the acting set's", () => {
    const shadow = {
      arm: 'canary' as const,
      versions: { momentum: 3, mean_reversion: 1 },
      targets: [
        // Cut down to the limit, and refused (held at the current weight).
        { symbol: 'AAPL', proposedWeight: 0.25, blendedSignal: 0.2, targetWeight: 0.18 },
        { symbol: 'XOM', proposedWeight: 0.3, blendedSignal: 0.4, targetWeight: 0.15 },
      ],
      risk: { verdict: 'resize' as const, bindingRule: 'gross_exposure' },
    };
    const built = outcomeRows(decision({ shadow }), 5);
    if (!built.ok) throw new Error(built.reason);
    const beside = built.rows.filter((r) => !r.acted);
    expect(beside.map((r) => [r.symbol, r.arm, r.targetWeight])).toEqual([
      ['AAPL', 'canary', 0.18],
      ['XOM', 'canary', 0.15],
    ]);
    expect(beside[0]!.cost).toBeCloseTo(0.08 * 5e-4, 15);
    expect(beside[1]!.cost).toBe(0);
  });

  it('computes w·r − cost from the closes of the bar and the next one', () => {
    const built = outcomeRows(decision(), 5);
    if (!built.ok) throw new Error(built.reason);
    const aapl = built.rows[0]!;
    const result = resultFromCloses(aapl, {
      close: close(0, 0),
      next: { tsMs: Date.UTC(2018, 1, 6), close: close(0, 1) },
    });
    const r = close(0, 1) / close(0, 0) - 1;
    expect(result!.assetReturn).toBeCloseTo(r, 15);
    expect(result!.net).toBeCloseTo(0.2 * r - 0.1 * 5e-4, 15);
    expect(resultFromCloses(aapl, { close: close(0, 0), next: null })).toBeNull();
    expect(resultFromCloses(aapl, undefined)).toBeNull();
  });

  it('refuses what it cannot book, naming the field', () => {
    expect(outcomeRows(decision({ models: { arm: 'blue', versions: {} } }), 5)).toEqual({
      ok: false,
      reason: "models.arm: 'blue' is not an acting arm (production, canary, shadow)",
    });
    expect(outcomeRows(decision({ asOf: 'yesterday' }), 5)).toMatchObject({ ok: false, reason: /^asOf / });
    const shadow = { versions: {}, targets: [{ symbol: 'MSFT', proposedWeight: 0.1, blendedSignal: 0 }] };
    expect(outcomeRows(decision({ shadow }), 5)).toMatchObject({
      ok: false,
      reason: /^shadow.targets: MSFT/,
    });
  });
});

describe('outcomeRecordedMessage', () => {
  const row = (symbol: string, arm: 'production' | 'shadow', net: number | null): OutcomeRecord => ({
    decisionId: '01JQ0000000000000000000000',
    decidedAt: new Date(0),
    symbol,
    arm,
    acted: arm === 'production',
    modelVersions: {},
    modelLabel: arm,
    portfolioId: null,
    servedMs: null,
    requestKey: 'k',
    timeframe: '1d',
    asOf: new Date(Date.UTC(2018, 1, 5, 21)),
    barTime: new Date(Date.UTC(2018, 1, 5)),
    nextBarTime: net === null ? null : new Date(Date.UTC(2018, 1, 6)),
    currentWeight: 0,
    targetWeight: 0.5,
    assetReturn: net === null ? null : 0.02,
    gross: net === null ? null : net + 0.001,
    costBps: 5,
    cost: 0.001,
    net,
    riskVerdict: 'approve',
    bindingRule: null,
    status: net === null ? 'waiting' : 'recorded',
    recordedAt: net === null ? null : new Date(Date.UTC(2026, 0, 1)),
  });

  it('sums each arm, the acting one first, only once every row is recorded', () => {
    const m = outcomeRecordedMessage([
      row('A', 'shadow', 0.02),
      row('A', 'production', 0.01),
      row('B', 'production', -0.004),
    ]);
    expect(m!.arms.map((a) => a.arm)).toEqual(['production', 'shadow']);
    expect(m!.arms[0]!.net).toBeCloseTo(0.006, 15);
    expect(m!.arms[0]!.turnover).toBeCloseTo(1, 15);
    expect(outcomeRecordedMessage([row('A', 'production', 0.01), row('B', 'production', null)])).toBeNull();
  });
});
