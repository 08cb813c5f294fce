import { describe, expect, it } from 'vitest';
import { loadWidePrices } from '../testing/wide-prices';
import { inverseNormalCdf } from './normal';
import {
  checkOrders,
  preTradeLimits,
  type PreTradeLimitOptions,
  type PreTradeRequest,
  type PreTradeResult,
  type PreTradeRuleName,
} from './pre-trade';
import { simpleReturns } from './returns';
import { buildRiskModel, type RiskModel } from './risk-model';

// Real data: the 20-stock universe, covariance of the last 252 days to 2018-04-11.
const model = buildRiskModel(simpleReturns(loadWidePrices()));
const defaults = preTradeLimits();
/** Limits that never bind, so a test isolates one rule. */
const loose: PreTradeLimitOptions = {
  maxConcentration: 10,
  maxGross: 100,
  minNet: -100,
  maxNet: 100,
  maxVar: 10,
  maxClusterGross: 100,
};

const rule = (r: PreTradeResult, name: PreTradeRuleName) => r.rules.find((x) => x.rule === name)!;

/** Every rule's measure recomputed from scratch on a weight map (the reference implementation). */
function measure(weights: Record<string, number>, m: RiskModel, z: number) {
  const n = m.symbols.length;
  let gross = 0;
  let net = 0;
  let q = 0;
  const clusters = new Map<number, number>();
  for (const [s, w] of Object.entries(weights)) {
    gross += Math.abs(w);
    net += w;
    const i = m.index.get(s);
    if (i === undefined) continue;
    clusters.set(m.clusterOf[i]!, (clusters.get(m.clusterOf[i]!) ?? 0) + Math.abs(w));
    for (const [s2, w2] of Object.entries(weights)) {
      const j = m.index.get(s2);
      if (j !== undefined) q += w * w2 * m.covariance[i * n + j]!;
    }
  }
  return { gross, net, var: z * Math.sqrt(Math.max(0, q)), clusters };
}

describe('checkOrders: approve', () => {
  it('approves a compliant order and reports every rule passed', () => {
    const request: PreTradeRequest = {
      portfolio: { AAPL: 0.05, XOM: 0.05, JPM: 0.05 },
      orders: [{ symbol: 'PFE', deltaWeight: 0.05 }],
    };
    const r = checkOrders(request, model, defaults);
    expect(r.verdict).toBe('approve');
    expect(r.scale).toBe(1);
    expect(r.bindingRule).toBeNull();
    expect(r.rules.map((x) => x.rule)).toEqual([
      'concentration',
      'symbol_limit',
      'gross_exposure',
      'net_exposure',
      'var',
      'correlation_cluster',
    ]);
    expect(r.rules.every((x) => x.passed && !x.binding && x.code === null)).toBe(true);
    expect(r.orders).toEqual([
      {
        symbol: 'PFE',
        deltaWeight: 0.05,
        approvedDeltaWeight: 0.05,
        currentWeight: 0,
        approvedWeight: 0.05,
        scale: 1,
      },
    ]);
    expect(r.postTrade.weights).toEqual({ AAPL: 0.05, XOM: 0.05, JPM: 0.05, PFE: 0.05 });
    expect(r.postTrade.gross).toBeCloseTo(0.2, 15);
    expect(r.unmodelled).toEqual([]);
  });

  it('computes the parametric VaR from the model covariance (z·√(wᵀΣw), 99%)', () => {
    const portfolio = { GOOG: 0.1, XOM: 0.2, WMT: -0.05 };
    const r = checkOrders({ portfolio, orders: [{ symbol: 'AMD', deltaWeight: 0.04 }] }, model, defaults);
    const z = inverseNormalCdf(0.99);
    expect(rule(r, 'var').actual).toBeCloseTo(measure(portfolio, model, z).var, 15);
    expect(rule(r, 'var').after).toBeCloseTo(measure(r.postTrade.weights, model, z).var, 15);
    expect(r.postTrade.var).toBe(rule(r, 'var').after);
  });

  it('adds orders on the same symbol together', () => {
    const r = checkOrders(
      {
        portfolio: { AAPL: 0.1 },
        orders: [
          { symbol: 'AAPL', deltaWeight: 0.1 },
          { symbol: 'AAPL', deltaWeight: 0.1 },
        ],
      },
      model,
      preTradeLimits({ ...loose, maxConcentration: 0.25 }),
    );
    expect(r.verdict).toBe('resize');
    expect(r.scale).toBeCloseTo(0.75, 15);
    expect(r.postTrade.weights.AAPL).toBeCloseTo(0.25, 15);
    expect(r.orders.map((o) => o.approvedDeltaWeight)).toEqual(
      [0.075, 0.075].map((x) => expect.closeTo(x, 15)),
    );
  });
});

describe('checkOrders: each rule resizes and rejects when it should', () => {
  it('concentration: resizes to exactly the 25% default, rejects adding to a breach, lets it shrink', () => {
    const r = checkOrders(
      { portfolio: { AAPL: 0.2 }, orders: [{ symbol: 'AAPL', deltaWeight: 0.1 }] },
      model,
      defaults,
    );
    expect(r.verdict).toBe('resize');
    expect(r.bindingRule).toBe('concentration');
    expect(r.scale).toBeCloseTo(0.5, 15);
    expect(rule(r, 'concentration')).toMatchObject({
      passed: false,
      binding: true,
      code: 'CONCENTRATION_EXCEEDS_MAX',
      limit: 0.25,
      actual: 0.2,
      symbol: 'AAPL',
    });
    expect(rule(r, 'concentration').requested).toBeCloseTo(0.3, 15);
    expect(Math.abs(rule(r, 'concentration').after! - 0.25)).toBeLessThan(1e-12);

    const adding = checkOrders(
      { portfolio: { AAPL: 0.3 }, orders: [{ symbol: 'AAPL', deltaWeight: 0.01 }] },
      model,
      defaults,
    );
    expect(adding.verdict).toBe('reject');
    expect(adding.scale).toBe(0);
    expect(adding.orders[0]!.approvedWeight).toBe(0.3);
    expect(rule(adding, 'concentration').code).toBe('CONCENTRATION_EXCEEDS_MAX');

    const reducing = checkOrders(
      { portfolio: { AAPL: 0.3 }, orders: [{ symbol: 'AAPL', deltaWeight: -0.02 }] },
      model,
      defaults,
    );
    expect(reducing.verdict).toBe('approve');
    expect(rule(reducing, 'concentration').passed).toBe(true);
  });

  it('concentration applies to shorts: |w| ≤ 25%, and a flip through zero is sized on the far side', () => {
    const r = checkOrders(
      { portfolio: { XOM: 0.1 }, orders: [{ symbol: 'XOM', deltaWeight: -0.45 }] },
      model,
      preTradeLimits({ ...loose, maxConcentration: 0.25 }),
    );
    expect(r.verdict).toBe('resize');
    expect(r.postTrade.weights.XOM).toBeCloseTo(-0.25, 15);
    expect(r.scale).toBeCloseTo(0.35 / 0.45, 15);
  });

  it('symbol_limit: a per-symbol limit replaces the default, tighter or looser', () => {
    const limits = preTradeLimits({ symbolLimits: { AMD: 0.05, XOM: 0.4 } });
    const amd = checkOrders({ portfolio: {}, orders: [{ symbol: 'AMD', deltaWeight: 0.1 }] }, model, limits);
    expect(amd.verdict).toBe('resize');
    expect(amd.bindingRule).toBe('symbol_limit');
    expect(rule(amd, 'symbol_limit')).toMatchObject({
      code: 'SYMBOL_LIMIT_EXCEEDED',
      limit: 0.05,
      symbol: 'AMD',
    });
    expect(Math.abs(amd.postTrade.weights.AMD! - 0.05)).toBeLessThan(1e-12);
    expect(rule(amd, 'concentration')).toMatchObject({ passed: true, limit: null, after: null });

    // 30% of XOM: above the 25% default, within its own 40%.
    const xom = checkOrders({ portfolio: {}, orders: [{ symbol: 'XOM', deltaWeight: 0.3 }] }, model, limits);
    expect(xom.verdict).toBe('approve');
    expect(rule(xom, 'symbol_limit')).toMatchObject({ passed: true, limit: 0.4, symbol: 'XOM' });
  });

  it('symbol_limit: rejects a symbol outside the risk model unless allowed, but accepts reducing it', () => {
    const order = { portfolio: { AAPL: 0.1 }, orders: [{ symbol: 'NOSUCH', deltaWeight: 0.01 }] };
    const r = checkOrders(order, model, defaults);
    expect(r.verdict).toBe('reject');
    expect(r.bindingRule).toBe('symbol_limit');
    expect(rule(r, 'symbol_limit')).toMatchObject({ code: 'UNKNOWN_SYMBOL', symbol: 'NOSUCH', limit: 0 });
    expect(rule(r, 'symbol_limit').detail).toMatch(/not in the risk model/);
    expect(r.unmodelled).toEqual(['NOSUCH']);

    const allowed = checkOrders(order, model, preTradeLimits({ allowUnknownSymbols: true }));
    expect(allowed.verdict).toBe('approve');
    expect(rule(allowed, 'var').detail).toMatch(/excludes NOSUCH/);
    expect(rule(allowed, 'var').after).toBeCloseTo(rule(allowed, 'var').actual!, 15); // no covariance for it

    const exit = checkOrders(
      { portfolio: { NOSUCH: 0.05 }, orders: [{ symbol: 'NOSUCH', deltaWeight: -0.05 }] },
      model,
      defaults,
    );
    expect(exit.verdict).toBe('approve');
  });

  it('gross_exposure: resizes to the limit, and sizes a flip by its kink', () => {
    const limits = preTradeLimits({ ...loose, maxGross: 1 });
    const r = checkOrders(
      {
        portfolio: { AAPL: 0.2, XOM: 0.2, WMT: 0.2, PFE: 0.2, T: 0.1 },
        orders: [
          { symbol: 'JPM', deltaWeight: 0.15 },
          { symbol: 'SBUX', deltaWeight: -0.05 },
        ],
      },
      model,
      limits,
    );
    expect(r.verdict).toBe('resize');
    expect(r.bindingRule).toBe('gross_exposure');
    expect(r.scale).toBeCloseTo(0.5, 15);
    expect(Math.abs(r.postTrade.gross - 1)).toBeLessThan(1e-12);

    // Gross 0.2 already above a 0.15 limit; selling 0.3 of a 0.1 long first reduces the breach
    // (to 0.1 at s = 1/3), then builds a short: allowed until gross is back at 0.2 (s = 2/3).
    const flip = checkOrders(
      { portfolio: { AAPL: 0.1, XOM: 0.1 }, orders: [{ symbol: 'AAPL', deltaWeight: -0.3 }] },
      model,
      preTradeLimits({ ...loose, maxGross: 0.15 }),
    );
    expect(flip.verdict).toBe('resize');
    expect(flip.scale).toBeCloseTo(2 / 3, 14);
    expect(rule(flip, 'gross_exposure')).toMatchObject({ limit: 0.15, binding: true });
    expect(rule(flip, 'gross_exposure').after).toBeCloseTo(0.2, 14);
  });

  it('net_exposure: keeps net within [minNet, maxNet] in the order’s direction', () => {
    const limits = preTradeLimits({ ...loose, minNet: -0.1, maxNet: 0.3 });
    const up = checkOrders(
      { portfolio: { AAPL: 0.2, XOM: -0.1 }, orders: [{ symbol: 'JPM', deltaWeight: 0.4 }] },
      model,
      limits,
    );
    expect(up.bindingRule).toBe('net_exposure');
    expect(up.scale).toBeCloseTo(0.5, 15);
    expect(rule(up, 'net_exposure')).toMatchObject({ code: 'NET_EXPOSURE_OUT_OF_RANGE', limit: 0.3 });
    expect(Math.abs(up.postTrade.net - 0.3)).toBeLessThan(1e-12);

    const down = checkOrders(
      { portfolio: { AAPL: 0.1 }, orders: [{ symbol: 'JPM', deltaWeight: -0.4 }] },
      model,
      limits,
    );
    expect(rule(down, 'net_exposure').limit).toBe(-0.1);
    expect(Math.abs(down.postTrade.net + 0.1)).toBeLessThan(1e-12);
  });

  it('var: resizes so the 99% 1-day VaR is exactly the 2.5% default, and rejects adding risk beyond it', () => {
    // 24% in AMD (3.5% daily vol) and 20% in SHLD (4.9%): the VaR binds before any exposure limit.
    const r = checkOrders(
      { portfolio: { AMD: 0.24 }, orders: [{ symbol: 'SHLD', deltaWeight: 0.2 }] },
      model,
      defaults,
    );
    expect(r.verdict).toBe('resize');
    expect(r.bindingRule).toBe('var');
    expect(rule(r, 'var')).toMatchObject({
      code: 'VAR_EXCEEDS_MAX',
      limit: 0.025,
      passed: false,
      binding: true,
    });
    expect(rule(r, 'var').requested!).toBeGreaterThan(0.025);
    const after = measure(r.postTrade.weights, model, inverseNormalCdf(0.99)).var;
    expect(Math.abs(after - 0.025)).toBeLessThan(1e-12);

    const over = checkOrders(
      { portfolio: { AMD: 0.25, SHLD: 0.15 }, orders: [{ symbol: 'UAA', deltaWeight: 0.05 }] },
      model,
      defaults,
    );
    expect(rule(over, 'var').actual!).toBeGreaterThan(0.025);
    expect(over.verdict).toBe('reject');
    expect(over.bindingRule).toBe('var');

    // A hedge lowers a VaR already above the limit: accepted.
    const hedge = checkOrders(
      { portfolio: { AMD: 0.25, SHLD: 0.15 }, orders: [{ symbol: 'AMD', deltaWeight: -0.1 }] },
      model,
      defaults,
    );
    expect(hedge.verdict).toBe('approve');
    expect(rule(hedge, 'var').after!).toBeLessThan(rule(hedge, 'var').actual!);
  });

  it('correlation_cluster: caps Σ|w| of the tech cluster at the 40% default', () => {
    const r = checkOrders(
      { portfolio: { GOOG: 0.15, AAPL: 0.15, XOM: 0.1 }, orders: [{ symbol: 'FB', deltaWeight: 0.2 }] },
      model,
      defaults,
    );
    expect(r.verdict).toBe('resize');
    expect(r.bindingRule).toBe('correlation_cluster');
    const cluster = rule(r, 'correlation_cluster');
    expect(cluster.cluster).toEqual(expect.arrayContaining(['GOOG', 'AAPL', 'FB']));
    expect(cluster).toMatchObject({ code: 'CLUSTER_EXPOSURE_EXCEEDS_MAX', actual: 0.3, limit: 0.4 });
    expect(Math.abs(cluster.after! - 0.4)).toBeLessThan(1e-12);
    expect(r.postTrade.weights.FB).toBeCloseTo(0.1, 12);

    // The same order in a different cluster is fine.
    const other = checkOrders(
      { portfolio: { GOOG: 0.15, AAPL: 0.15, XOM: 0.1 }, orders: [{ symbol: 'WMT', deltaWeight: 0.2 }] },
      model,
      defaults,
    );
    expect(other.verdict).toBe('approve');
  });
});

describe('checkOrders: resized results sit exactly on the bound (property, seeded)', () => {
  let seed = 2024;
  const rand = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const pick = () => model.symbols[Math.floor(rand() * model.symbols.length)]!;

  it('for 2,000 random books and baskets: every rule holds after, the binding one with equality', () => {
    const limits = preTradeLimits({ symbolLimits: { AMD: 0.08, SHLD: 0.05 } });
    const z = limits.z;
    let resized = 0;
    for (let trial = 0; trial < 2000; trial++) {
      const portfolio: Record<string, number> = {};
      for (let i = 0; i < 1 + Math.floor(rand() * 8); i++) portfolio[pick()] = (rand() - 0.3) * 0.3;
      const orders = Array.from({ length: 1 + Math.floor(rand() * 4) }, () => ({
        symbol: pick(),
        deltaWeight: (rand() - 0.4) * 0.4,
      }));
      const r = checkOrders({ portfolio, orders }, model, limits);
      const before = measure(portfolio, model, z);
      const after = measure(r.postTrade.weights, model, z);
      const ok = (value: number, limit: number, was: number) =>
        expect(value).toBeLessThanOrEqual(Math.max(limit, was) + 1e-9);
      ok(after.gross, limits.maxGross, before.gross);
      ok(after.net, limits.maxNet, before.net);
      ok(-after.net, -limits.minNet, -before.net);
      ok(after.var, limits.maxVar, before.var);
      for (const { symbol } of orders) {
        const cap = limits.symbolLimits.get(symbol) ?? limits.maxConcentration;
        ok(Math.abs(r.postTrade.weights[symbol]!), cap, Math.abs(portfolio[symbol] ?? 0));
        const c = model.clusterOf[model.index.get(symbol)!]!;
        ok(after.clusters.get(c) ?? 0, limits.maxClusterGross, before.clusters.get(c) ?? 0);
      }
      expect(Number.isNaN(r.scale)).toBe(false);
      if (r.verdict === 'resize') {
        resized++;
        // The binding measure ends on its bound (or on the breach it started from).
        const b = rule(r, r.bindingRule!);
        const perSymbol = b.rule === 'concentration' || b.rule === 'symbol_limit';
        const value = perSymbol ? Math.abs(b.after!) : b.after!;
        const was = perSymbol ? Math.abs(b.actual!) : b.actual!;
        const bound =
          b.rule === 'net_exposure' && b.limit === limits.minNet
            ? Math.min(b.limit, was)
            : Math.max(b.limit!, was);
        expect(Math.abs(value - bound)).toBeLessThan(1e-9);
        expect(r.scale).toBeGreaterThan(0);
        expect(r.scale).toBeLessThan(1);
      }
    }
    expect(resized).toBeGreaterThan(200); // the property was exercised
  });
});

describe('preTradeLimits', () => {
  it('has documented defaults', () => {
    expect(defaults).toMatchObject({
      maxConcentration: 0.25,
      maxGross: 1,
      minNet: -1,
      maxNet: 1,
      varLevel: 0.99,
      maxVar: 0.025,
      maxClusterGross: 0.4,
      allowUnknownSymbols: false,
    });
    expect(defaults.z).toBeCloseTo(2.3263478740408408, 14);
  });

  it('names the bad option', () => {
    expect(() => preTradeLimits({ maxVar: -1 })).toThrow(/maxVar/);
    expect(() => preTradeLimits({ minNet: 0.5, maxNet: 0.1 })).toThrow(/minNet/);
    expect(() => preTradeLimits({ varLevel: 1 })).toThrow(/varLevel/);
    expect(() => preTradeLimits({ symbolLimits: { AAPL: Number.NaN } })).toThrow(/symbolLimits.AAPL/);
  });

  it('checkOrders refuses non-finite weights', () => {
    expect(() =>
      checkOrders(
        { portfolio: { AAPL: Number.NaN }, orders: [{ symbol: 'XOM', deltaWeight: 0.1 }] },
        model,
        defaults,
      ),
    ).toThrow(/AAPL/);
    expect(() =>
      checkOrders({ portfolio: {}, orders: [{ symbol: 'XOM', deltaWeight: Infinity }] }, model, defaults),
    ).toThrow(/XOM/);
  });
});
