import { describe, expect, it } from 'vitest';
import { PaperPortfolio } from '../paper/paper-portfolio';
import { loadWidePrices } from '../testing/wide-prices';
import { exposureBreach, projectIntoExposureLimits } from './exposure-projection';
import { checkOrders, preTradeLimits } from './pre-trade';
import { simpleReturns } from './returns';
import { buildRiskModel } from './risk-model';

const limits = preTradeLimits();
const gross = (w: Record<string, number>) => Object.values(w).reduce((s, x) => s + Math.abs(x), 0);
const net = (w: Record<string, number>) => Object.values(w).reduce((s, x) => s + x, 0);

describe('exposureBreach', () => {
  it('names the first exposure limit a book breaches, beyond the tolerance only', () => {
    expect(exposureBreach({ A: 0.2, B: -0.2 }, limits)).toBeNull();
    expect(exposureBreach({ A: 0.25 + 1e-12 }, limits)).toBeNull();
    expect(exposureBreach({ A: 0.3 }, limits)).toBe('concentration');
    expect(exposureBreach({ A: 0.05 }, preTradeLimits({ symbolLimits: { A: 0.04 } }))).toBe('symbol_limit');
    expect(exposureBreach({ A: 0.25, B: 0.25, C: 0.25, D: -0.25, E: 0.1 }, limits)).toBe('gross_exposure');
    expect(exposureBreach({ A: 0.2, B: 0.2 }, preTradeLimits({ maxNet: 0.3 }))).toBe('net_exposure');
    expect(exposureBreach({ A: -0.2, B: -0.2 }, preTradeLimits({ minNet: -0.3 }))).toBe('net_exposure');
  });
});

describe('projectIntoExposureLimits', () => {
  it('leaves a proposal inside the limits as it is', () => {
    const p = projectIntoExposureLimits({}, { A: 0.2, B: -0.1 }, limits);
    expect(p).toEqual({ weights: { A: 0.2, B: -0.1 }, scale: 1, rule: null });
  });

  it('clips each weight to its limit, then scales the whole proposal into gross and net', () => {
    const p = projectIntoExposureLimits({}, { A: 0.4, B: 0.25, C: 0.25, D: 0.25, E: 0.25 }, limits);
    // Clipped to 0.25 each: gross 1.25 → scale 0.8, gross rule binding.
    expect(p.scale).toBeCloseTo(0.8, 12);
    expect(p.rule).toBe('gross_exposure');
    expect(gross(p.weights)).toBeCloseTo(1, 12);
    expect(p.weights.A).toBeCloseTo(0.2, 12);

    const clipOnly = projectIntoExposureLimits({}, { A: -0.4, B: 0.1 }, limits);
    expect(clipOnly).toEqual({ weights: { A: -0.25, B: 0.1 }, scale: 1, rule: 'concentration' });

    const netBound = projectIntoExposureLimits({}, { A: 0.2, B: 0.2 }, preTradeLimits({ maxNet: 0.3 }));
    expect(netBound.rule).toBe('net_exposure');
    expect(net(netBound.weights)).toBeCloseTo(0.3, 12);
  });

  it('counts the held positions the decision does not trade, and scales to 0 when they alone breach', () => {
    const p = projectIntoExposureLimits({ X: 0.5, A: 0.9 }, { A: 0.25, B: 0.25, C: 0.25 }, limits);
    // X stays (0.5 of gross); A is replaced by its proposal: 0.75 of proposals → scale 2/3.
    expect(p.scale).toBeCloseTo(2 / 3, 12);
    expect(0.5 + gross(p.weights)).toBeCloseTo(1, 12);
    const none = projectIntoExposureLimits({ X: 0.6, Y: -0.6 }, { A: 0.1 }, limits);
    expect(none).toEqual({ weights: { A: 0 }, scale: 0, rule: 'gross_exposure' });
    expect(() => projectIntoExposureLimits({}, { A: Number.NaN }, limits)).toThrow(/'A'/);
  });

  it('brings a short book that real prices carried over the gross limit back inside it (20 stocks, Feb–Apr 2018)', () => {
    const table = loadWidePrices();
    const from = table.dates.indexOf('2018-02-08');
    const to = table.dates.indexOf('2018-04-11');
    const closeAt = (t: number) => Object.fromEntries(table.columns.map((c, j) => [c, table.prices[j]![t]!]));
    // Fully invested short, 5% of equity in each stock, from the February low into the rebound.
    const short = Object.fromEntries(table.columns.map((c) => [c, -1 / table.columns.length]));
    const book = new PaperPortfolio();
    book.markToMarket(from, closeAt(from));
    book.rebalance(short, null);
    let drifted: Record<string, number> | null = null;
    for (let t = from + 1; t <= to && !drifted; t++) {
      book.markToMarket(t, closeAt(t));
      if (exposureBreach(book.weights, limits) === 'gross_exposure') drifted = book.weights;
      book.rebalance({}, null);
    }
    expect(drifted).not.toBeNull();
    expect(gross(drifted!)).toBeGreaterThan(1);

    // The models still ask for the same short book: checked as is, the order is refused (it
    // would not reduce the breach) and the book stays over the limit.
    const model = buildRiskModel(simpleReturns(table));
    const orders = (target: Record<string, number>) =>
      Object.keys(target).map((s) => ({ symbol: s, deltaWeight: target[s]! - drifted![s]! }));
    const asked = Object.fromEntries(Object.keys(drifted!).map((s) => [s, drifted![s]! * 1.05]));
    const loose = preTradeLimits({ maxVar: 10, maxClusterGross: 100 });
    expect(checkOrders({ portfolio: drifted!, orders: orders(asked) }, model, loose).verdict).toBe('reject');

    // Toward the projected proposal the order reduces the breach and the book ends inside.
    const projected = projectIntoExposureLimits(drifted!, asked, loose);
    expect(projected.rule).toBe('gross_exposure');
    const back = checkOrders({ portfolio: drifted!, orders: orders(projected.weights) }, model, loose);
    expect(back.verdict).toBe('approve');
    expect(back.postTrade.gross).toBeLessThanOrEqual(1 + 1e-9);
    expect(exposureBreach(back.postTrade.weights, loose)).toBeNull();
  });
});
