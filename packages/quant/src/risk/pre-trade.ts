/**
 * Pre-trade risk check: proposed orders against the current portfolio → approve, resize or
 * reject, with each rule's verdict. Pure and synchronous over a prebuilt {@link RiskModel}.
 *
 * Everything is in weights, signed fractions of equity (0.05 = long 5% of equity, −0.05 =
 * short 5%). An order is a signed change of weight, `deltaWeight` (+ buys, − sells or shorts);
 * an order of quantity q at price p against equity E is ±q·p/E. Orders on the same symbol add up.
 *
 * Resizing: the orders are scaled together by the largest s ∈ [0, 1] such that every rule
 * holds for w(s) = w₀ + s·Δ. Every rule is a convex function of s (|a + s·b|, sums of those,
 * a linear net, and VaR = z·√(wᵀΣw) with Σ positive semi-definite), so each allows an
 * interval [0, sᵣ] and sᵣ has a closed form: no search. s = 1 approves; 0 < s < 1 resizes
 * (`bindingRule` names the rule that set s); s = 0 rejects.
 *
 * A rule the current portfolio already breaches does not block orders that reduce the breach
 * (the NautilusTrader "REDUCING" idea): its bound becomes max(limit, current value), so an
 * order passes while it does not make the breach worse and is rejected when it does.
 *
 * Cost: O(m² + m·k + k log k) for m modelled positions held and k symbols ordered; nothing
 * is allocated beyond a few arrays of length k and the result.
 */
import { inverseNormalCdf } from './normal';
import type { RiskModel } from './risk-model';

export type PreTradeRuleName =
  'concentration' | 'gross_exposure' | 'net_exposure' | 'symbol_limit' | 'var' | 'correlation_cluster';

/** Why a rule held back the order in full. */
export type PreTradeCode =
  | 'CONCENTRATION_EXCEEDS_MAX'
  | 'GROSS_EXPOSURE_EXCEEDS_MAX'
  | 'NET_EXPOSURE_OUT_OF_RANGE'
  | 'SYMBOL_LIMIT_EXCEEDED'
  | 'UNKNOWN_SYMBOL'
  | 'VAR_EXCEEDS_MAX'
  | 'CLUSTER_EXPOSURE_EXCEEDS_MAX';

export type PreTradeVerdict = 'approve' | 'resize' | 'reject';

export interface ProposedOrder {
  symbol: string;
  /** Signed change of the position's weight (fraction of equity). */
  deltaWeight: number;
}

export interface PreTradeRequest {
  /** Current weights by symbol (signed fractions of equity); a symbol not listed holds 0. */
  portfolio: Readonly<Record<string, number>>;
  orders: readonly ProposedOrder[];
}

export interface PreTradeLimitOptions {
  /** Largest |weight| of one position, for symbols without their own limit (default 0.25). */
  maxConcentration?: number;
  /** Per-symbol largest |weight|, replacing `maxConcentration` for that symbol. */
  symbolLimits?: Readonly<Record<string, number>>;
  /** Largest gross exposure Σ|w| (default 1: no leverage). */
  maxGross?: number;
  /** Net exposure Σw must stay in [minNet, maxNet] (defaults −1 and 1). */
  minNet?: number;
  maxNet?: number;
  /** Confidence of the 1-day parametric VaR (default 0.99). */
  varLevel?: number;
  /** Largest 1-day VaR as a fraction of equity (default 0.025). */
  maxVar?: number;
  /** Largest Σ|w| within one correlation cluster (default 0.4). */
  maxClusterGross?: number;
  /**
   * Whether orders may add exposure to symbols outside the risk model (default false: such an
   * order is rejected, reducing one is accepted). Allowed ones count for concentration,
   * gross and net, but have no covariance, so they are left out of VaR and clusters.
   */
  allowUnknownSymbols?: boolean;
  /** Slack for floating-point noise: a value breaches only beyond limit + tolerance (default 1e-9). */
  tolerance?: number;
}

/** Validated limits with the VaR quantile precomputed; build once with {@link preTradeLimits}. */
export interface PreTradeLimits {
  maxConcentration: number;
  symbolLimits: ReadonlyMap<string, number>;
  maxGross: number;
  minNet: number;
  maxNet: number;
  varLevel: number;
  maxVar: number;
  maxClusterGross: number;
  allowUnknownSymbols: boolean;
  tolerance: number;
  /** Φ⁻¹(varLevel). */
  z: number;
}

export const DEFAULT_PRE_TRADE_LIMITS = {
  maxConcentration: 0.25,
  maxGross: 1,
  minNet: -1,
  maxNet: 1,
  varLevel: 0.99,
  maxVar: 0.025,
  maxClusterGross: 0.4,
  allowUnknownSymbols: false,
  tolerance: 1e-9,
} as const;

export interface OrderOutcome {
  symbol: string;
  /** As requested. */
  deltaWeight: number;
  /** scale × deltaWeight. */
  approvedDeltaWeight: number;
  /** The symbol's weight before, and after the approved orders (all orders on it). */
  currentWeight: number;
  approvedWeight: number;
  scale: number;
}

export interface RuleOutcome {
  rule: PreTradeRuleName;
  /** The orders in full satisfy the rule (or do not worsen a breach the portfolio already has). */
  passed: boolean;
  /** This rule set the approved scale (resize or reject). */
  binding: boolean;
  /** Set when the rule held the orders back. */
  code: PreTradeCode | null;
  /**
   * The bound, and the measured value before the orders, with the orders in full and with
   * the approved orders. For per-symbol and per-cluster rules these are of the tightest
   * symbol or cluster; null when the rule does not apply (no symbol ordered has its own limit).
   */
  limit: number | null;
  actual: number | null;
  requested: number | null;
  after: number | null;
  /** Largest scale of the orders this rule allows. */
  maxScale: number;
  /** Per-symbol rules: the tightest symbol. */
  symbol?: string;
  /** Cluster rule: the tightest cluster's members. */
  cluster?: string[];
  detail: string;
}

export interface PreTradeResult {
  verdict: PreTradeVerdict;
  /** Common scale applied to every order, in [0, 1]. */
  scale: number;
  bindingRule: PreTradeRuleName | null;
  orders: OrderOutcome[];
  rules: RuleOutcome[];
  postTrade: {
    /** Every symbol of the portfolio or the orders, after the approved orders. */
    weights: Record<string, number>;
    gross: number;
    net: number;
    /** 1-day VaR at `varLevel` of the modelled positions, fraction of equity. */
    var: number;
  };
  /** Symbols held or ordered that the risk model does not cover. */
  unmodelled: string[];
}

/** Validates limit options (RangeError naming the option) and precomputes the VaR quantile. */
export function preTradeLimits(options: PreTradeLimitOptions = {}): PreTradeLimits {
  const pick = <K extends keyof typeof DEFAULT_PRE_TRADE_LIMITS>(k: K) =>
    options[k] ?? DEFAULT_PRE_TRADE_LIMITS[k];
  const limits = {
    maxConcentration: pick('maxConcentration'),
    maxGross: pick('maxGross'),
    minNet: pick('minNet'),
    maxNet: pick('maxNet'),
    varLevel: pick('varLevel'),
    maxVar: pick('maxVar'),
    maxClusterGross: pick('maxClusterGross'),
    tolerance: pick('tolerance'),
  };
  for (const [name, v] of Object.entries(limits)) {
    if (!Number.isFinite(v)) throw new RangeError(`limit ${name} must be a finite number, got ${v}`);
  }
  for (const name of ['maxConcentration', 'maxGross', 'maxVar', 'maxClusterGross', 'tolerance'] as const) {
    if (limits[name] < 0) throw new RangeError(`limit ${name} must be ≥ 0, got ${limits[name]}`);
  }
  if (limits.minNet > limits.maxNet)
    throw new RangeError(`limit minNet ${limits.minNet} is above maxNet ${limits.maxNet}`);
  if (!(limits.varLevel > 0.5 && limits.varLevel < 1))
    throw new RangeError(`limit varLevel must be in (0.5, 1), got ${limits.varLevel}`);
  const symbolLimits = new Map<string, number>();
  for (const [symbol, v] of Object.entries(options.symbolLimits ?? {})) {
    if (!(Number.isFinite(v) && v >= 0))
      throw new RangeError(`symbolLimits.${symbol} must be a finite number ≥ 0, got ${v}`);
    symbolLimits.set(symbol, v);
  }
  return {
    ...limits,
    symbolLimits,
    allowUnknownSymbols: options.allowUnknownSymbols ?? DEFAULT_PRE_TRADE_LIMITS.allowUnknownSymbols,
    z: inverseNormalCdf(limits.varLevel),
  };
}

/** Scales below this are treated as 0: an order resized to nothing is a rejection. */
const MIN_SCALE = 1e-9;

/**
 * The orders after the portfolio: what the check approves, and every rule's numbers.
 * Throws a RangeError only on malformed input (a non-finite weight); validate at the edge.
 */
export function checkOrders(
  request: PreTradeRequest,
  model: RiskModel,
  limits: PreTradeLimits,
): PreTradeResult {
  const { portfolio, orders } = request;
  const tol = limits.tolerance;

  // Ordered symbols, merged: slot j has current weight a[j], total delta b[j], model index idx[j].
  const slotOf = new Map<string, number>();
  const symbols: string[] = [];
  for (const order of orders) {
    if (!Number.isFinite(order.deltaWeight))
      throw new RangeError(`deltaWeight of '${order.symbol}' is ${order.deltaWeight}, not a finite number`);
    if (!slotOf.has(order.symbol)) {
      slotOf.set(order.symbol, symbols.length);
      symbols.push(order.symbol);
    }
  }
  const k = symbols.length;
  const a = new Float64Array(k);
  const b = new Float64Array(k);
  const idx = new Int32Array(k);
  for (let j = 0; j < k; j++) {
    a[j] = Object.hasOwn(portfolio, symbols[j]!) ? portfolio[symbols[j]!]! : 0;
    idx[j] = model.index.get(symbols[j]!) ?? -1;
  }
  for (const order of orders) b[slotOf.get(order.symbol)!]! += order.deltaWeight;

  // Portfolio aggregates: gross, net, modelled positions (for VaR), gross by cluster.
  const n = model.symbols.length;
  const cov = model.covariance;
  const heldIdx: number[] = [];
  const heldW: number[] = [];
  const clusterGross = new Float64Array(model.clusters.length);
  const unmodelled: string[] = [];
  let gross0 = 0;
  let net0 = 0;
  for (const symbol of Object.keys(portfolio)) {
    const w = portfolio[symbol]!;
    if (!Number.isFinite(w)) throw new RangeError(`weight of '${symbol}' is ${w}, not a finite number`);
    gross0 += Math.abs(w);
    net0 += w;
    const i = model.index.get(symbol);
    if (i === undefined) {
      if (w !== 0) unmodelled.push(symbol);
    } else if (w !== 0) {
      heldIdx.push(i);
      heldW.push(w);
      clusterGross[model.clusterOf[i]!]! += Math.abs(w);
    }
  }
  for (let j = 0; j < k; j++)
    if (idx[j]! < 0 && !Object.hasOwn(portfolio, symbols[j]!)) unmodelled.push(symbols[j]!);

  // --- concentration and per-symbol limits: |a + s·b| ≤ L per ordered symbol ---
  const conc = new Tightest();
  const symLimit = new Tightest();
  for (let j = 0; j < k; j++) {
    const symbol = symbols[j]!;
    const own = limits.symbolLimits.get(symbol);
    const unknown = idx[j]! < 0 && !limits.allowUnknownSymbols;
    const limit = unknown ? 0 : (own ?? limits.maxConcentration);
    const s = absMaxScale(a[j]!, b[j]!, limit, tol);
    const target = unknown || own !== undefined ? symLimit : conc;
    target.offer(j, s, Math.abs(a[j]! + b[j]!) / Math.max(limit, 1e-300), limit);
  }

  // --- gross and net ---
  let grossBase = gross0;
  let netDelta = 0;
  for (let j = 0; j < k; j++) {
    grossBase -= Math.abs(a[j]!);
    netDelta += b[j]!;
  }
  const all = Int32Array.from({ length: k }, (_, j) => j);
  const grossScale = piecewiseMaxScale(grossBase, a, b, all, limits.maxGross, tol);
  const netLimit = netDelta >= 0 ? limits.maxNet : limits.minNet;
  const netScale = linearMaxScale(net0, netDelta, limits.minNet, limits.maxNet, tol);

  // --- VaR: q(s) = wᵀΣw = A + 2sB + s²C over modelled positions ---
  let A = 0;
  for (let p = 0; p < heldIdx.length; p++) {
    const row = heldIdx[p]! * n;
    let rowSum = 0;
    for (let q = 0; q < heldIdx.length; q++) rowSum += cov[row + heldIdx[q]!]! * heldW[q]!;
    A += heldW[p]! * rowSum;
  }
  let B = 0;
  let C = 0;
  for (let j = 0; j < k; j++) {
    const i = idx[j]!;
    if (i < 0 || b[j] === 0) continue;
    const row = i * n;
    let sigmaW = 0;
    for (let q = 0; q < heldIdx.length; q++) sigmaW += cov[row + heldIdx[q]!]! * heldW[q]!;
    B += b[j]! * sigmaW;
    for (let l = 0; l < k; l++) if (idx[l]! >= 0) C += b[j]! * b[l]! * cov[row + idx[l]!]!;
  }
  const varAt = (s: number) => limits.z * Math.sqrt(Math.max(0, A + s * (2 * B + s * C)));
  const varScale = quadraticMaxScale(A, B, C, limits.maxVar / limits.z, limits.tolerance / limits.z);

  // --- correlation clusters: Σ|w| over each cluster an order touches ---
  const clusterRule = new Tightest();
  const clusterBase = new Map<number, number>();
  for (let j = 0; j < k; j++) {
    const i = idx[j]!;
    if (i < 0) continue;
    const c = model.clusterOf[i]!;
    clusterBase.set(c, (clusterBase.get(c) ?? clusterGross[c]!) - Math.abs(a[j]!));
  }
  for (const [c, base] of clusterBase) {
    const slots = all.filter((j) => idx[j]! >= 0 && model.clusterOf[idx[j]!] === c);
    const s = piecewiseMaxScale(base, a, b, slots, limits.maxClusterGross, tol);
    const full = piecewiseValue(base, a, b, slots, 1);
    clusterRule.offer(c, s, full / Math.max(limits.maxClusterGross, 1e-300), limits.maxClusterGross, slots);
  }

  // --- the common scale and the binding rule ---
  const ruleScales: Array<[PreTradeRuleName, number]> = [
    ['symbol_limit', symLimit.scale],
    ['concentration', conc.scale],
    ['gross_exposure', grossScale],
    ['net_exposure', netScale],
    ['var', varScale],
    ['correlation_cluster', clusterRule.scale],
  ];
  let scale = 1;
  let bindingRule: PreTradeRuleName | null = null;
  for (const [rule, s] of ruleScales) {
    if (s < scale) {
      scale = s;
      bindingRule = rule;
    }
  }
  if (scale < MIN_SCALE) scale = 0;
  const verdict: PreTradeVerdict = scale >= 1 ? 'approve' : scale > 0 ? 'resize' : 'reject';

  // --- report ---
  const at = (j: number, s: number) => a[j]! + s * b[j]!;
  const rules: RuleOutcome[] = [];
  const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

  const symbolRule = (rule: 'concentration' | 'symbol_limit', t: Tightest): RuleOutcome => {
    if (t.slot < 0) {
      return notApplicable(
        rule,
        rule === 'concentration'
          ? 'every symbol ordered has its own limit'
          : 'no symbol ordered has its own limit or is outside the risk model',
      );
    }
    const j = t.slot;
    const symbol = symbols[j]!;
    const unknown = idx[j]! < 0 && !limits.allowUnknownSymbols;
    const passed = t.scale >= 1;
    const code: PreTradeCode | null = passed
      ? null
      : unknown
        ? 'UNKNOWN_SYMBOL'
        : rule === 'concentration'
          ? 'CONCENTRATION_EXCEEDS_MAX'
          : 'SYMBOL_LIMIT_EXCEEDED';
    const requested = at(j, 1);
    const detail = unknown
      ? `${symbol} is not in the risk model; only orders reducing it are accepted`
      : `|weight| of ${symbol}: ${pct(Math.abs(a[j]!))} now, ${pct(Math.abs(requested))} with the orders in full; ` +
        `limit ${pct(t.limit)}${passed ? '' : `, allows ${(t.scale * 100).toFixed(1)}% of the orders`}`;
    return {
      rule,
      passed,
      binding: bindingRule === rule,
      code,
      limit: t.limit,
      actual: a[j]!,
      requested,
      after: at(j, scale),
      maxScale: t.scale,
      symbol,
      detail,
    };
  };
  rules.push(symbolRule('concentration', conc), symbolRule('symbol_limit', symLimit));

  const grossAfter = piecewiseValue(grossBase, a, b, all, scale);
  const grossRequested = piecewiseValue(grossBase, a, b, all, 1);
  rules.push({
    rule: 'gross_exposure',
    passed: grossScale >= 1,
    binding: bindingRule === 'gross_exposure',
    code: grossScale >= 1 ? null : 'GROSS_EXPOSURE_EXCEEDS_MAX',
    limit: limits.maxGross,
    actual: gross0,
    requested: grossRequested,
    after: grossAfter,
    maxScale: grossScale,
    detail: `gross ${pct(gross0)} now, ${pct(grossRequested)} with the orders in full; limit ${pct(limits.maxGross)}`,
  });
  const netAfter = net0 + scale * netDelta;
  rules.push({
    rule: 'net_exposure',
    passed: netScale >= 1,
    binding: bindingRule === 'net_exposure',
    code: netScale >= 1 ? null : 'NET_EXPOSURE_OUT_OF_RANGE',
    limit: netLimit,
    actual: net0,
    requested: net0 + netDelta,
    after: netAfter,
    maxScale: netScale,
    detail: `net ${pct(net0)} now, ${pct(net0 + netDelta)} with the orders in full; range [${pct(limits.minNet)}, ${pct(limits.maxNet)}]`,
  });
  const var0 = varAt(0);
  const varRequested = varAt(1);
  const varAfter = varAt(scale);
  rules.push({
    rule: 'var',
    passed: varScale >= 1,
    binding: bindingRule === 'var',
    code: varScale >= 1 ? null : 'VAR_EXCEEDS_MAX',
    limit: limits.maxVar,
    actual: var0,
    requested: varRequested,
    after: varAfter,
    maxScale: varScale,
    detail:
      `1-day ${limits.varLevel * 100}% VaR ${pct(var0)} now, ${pct(varRequested)} with the orders in full; limit ${pct(limits.maxVar)}` +
      (unmodelled.length > 0 ? `; excludes ${unmodelled.join(', ')} (not in the risk model)` : ''),
  });
  if (clusterRule.slot < 0) {
    rules.push(notApplicable('correlation_cluster', 'no symbol ordered is in the risk model'));
  } else {
    const c = clusterRule.slot;
    const slots = clusterRule.slots!;
    const base = clusterBase.get(c)!;
    const passed = clusterRule.scale >= 1;
    const members = model.clusters[c]!;
    rules.push({
      rule: 'correlation_cluster',
      passed,
      binding: bindingRule === 'correlation_cluster',
      code: passed ? null : 'CLUSTER_EXPOSURE_EXCEEDS_MAX',
      limit: limits.maxClusterGross,
      actual: clusterGross[c]!,
      requested: piecewiseValue(base, a, b, slots, 1),
      after: piecewiseValue(base, a, b, slots, scale),
      maxScale: clusterRule.scale,
      cluster: members,
      detail: `Σ|w| of cluster [${members.join(', ')}]: ${pct(clusterGross[c]!)} now, ${pct(piecewiseValue(base, a, b, slots, 1))} with the orders in full; limit ${pct(limits.maxClusterGross)}`,
    });
  }

  const outcomes: OrderOutcome[] = orders.map((order) => {
    const j = slotOf.get(order.symbol)!;
    return {
      symbol: order.symbol,
      deltaWeight: order.deltaWeight,
      approvedDeltaWeight: scale * order.deltaWeight,
      currentWeight: a[j]!,
      approvedWeight: at(j, scale),
      scale,
    };
  });
  const weights: Record<string, number> = {};
  for (const symbol of Object.keys(portfolio)) weights[symbol] = portfolio[symbol]!;
  for (let j = 0; j < k; j++) weights[symbols[j]!] = at(j, scale);

  return {
    verdict,
    scale,
    bindingRule: verdict === 'approve' ? null : bindingRule,
    orders: outcomes,
    rules,
    postTrade: { weights, gross: grossAfter, net: netAfter, var: varAfter },
    unmodelled,
  };
}

/** The element of a per-symbol or per-cluster rule with the smallest allowed scale. */
class Tightest {
  slot = -1;
  scale = 1;
  limit = NaN;
  slots: Int32Array | undefined;
  private utilisation = -Infinity;

  offer(slot: number, scale: number, utilisation: number, limit: number, slots?: Int32Array): void {
    if (this.slot < 0 || scale < this.scale || (scale === this.scale && utilisation > this.utilisation)) {
      this.slot = slot;
      this.scale = scale;
      this.utilisation = utilisation;
      this.limit = limit;
      this.slots = slots;
    }
  }
}

function notApplicable(rule: PreTradeRuleName, detail: string): RuleOutcome {
  return {
    rule,
    passed: true,
    binding: false,
    code: null,
    limit: null,
    actual: null,
    requested: null,
    after: null,
    maxScale: 1,
    detail,
  };
}

/** Largest s ∈ [0, 1] with |a + s·b| ≤ max(L, |a|). */
function absMaxScale(a: number, b: number, limit: number, tol: number): number {
  const cap = Math.max(limit, Math.abs(a));
  if (Math.abs(a + b) <= cap + tol) return 1;
  // a + s·b leaves [−cap, cap] through the side b points to.
  const s = b > 0 ? (cap - a) / b : (-cap - a) / b;
  return Math.min(1, Math.max(0, s));
}

/** Largest s ∈ [0, 1] with x₀ + s·d inside [min(lo, x₀), max(hi, x₀)]. */
function linearMaxScale(x0: number, d: number, lo: number, hi: number, tol: number): number {
  const x1 = x0 + d;
  const top = Math.max(hi, x0);
  const bottom = Math.min(lo, x0);
  if (x1 <= top + tol && x1 >= bottom - tol) return 1;
  const s = d > 0 ? (top - x0) / d : (bottom - x0) / d;
  return Math.min(1, Math.max(0, s));
}

/** base + Σⱼ |a_j + s·b_j| over the slots. */
function piecewiseValue(
  base: number,
  a: Float64Array,
  b: Float64Array,
  slots: Int32Array,
  s: number,
): number {
  let g = base;
  for (const j of slots) g += Math.abs(a[j]! + s * b[j]!);
  return g;
}

/**
 * Largest s ∈ [0, 1] with g(s) = base + Σⱼ |a_j + s·b_j| ≤ max(L, g(0)). g is convex and
 * piecewise linear: walk its kinks in order, keeping the slope, until it crosses the cap.
 */
function piecewiseMaxScale(
  base: number,
  a: Float64Array,
  b: Float64Array,
  slots: Int32Array,
  limit: number,
  tol: number,
): number {
  const g0 = piecewiseValue(base, a, b, slots, 0);
  const cap = Math.max(limit, g0);
  if (piecewiseValue(base, a, b, slots, 1) <= cap + tol) return 1;
  // Slope just after 0; each kink t = −a/b in (0, 1) turns a falling term into a rising one (+2|b|).
  let slope = 0;
  const kinks: Array<[number, number]> = [];
  for (const j of slots) {
    const aj = a[j]!;
    const bj = b[j]!;
    if (bj === 0) continue;
    const falling = aj !== 0 && Math.sign(aj) !== Math.sign(bj);
    slope += falling ? -Math.abs(bj) : Math.abs(bj);
    if (falling && -aj / bj < 1) kinks.push([-aj / bj, 2 * Math.abs(bj)]);
  }
  kinks.sort((p, q) => p[0] - q[0]);
  let s = 0;
  let g = g0;
  for (const [t, jump] of kinks) {
    const gt = g + slope * (t - s);
    if (gt > cap) break;
    s = t;
    g = gt;
    slope += jump;
  }
  // The crossing lies on the current segment (g(1) > cap, so slope > 0 here).
  return slope > 0 ? Math.min(1, Math.max(0, s + (cap - g) / slope)) : 1;
}

/**
 * Largest s ∈ [0, 1] with √(A + 2Bs + Cs²) ≤ max(σmax, √A): the larger root of the quadratic,
 * written to avoid cancellation when A sits at the cap.
 */
function quadraticMaxScale(A: number, B: number, C: number, sigmaMax: number, tol: number): number {
  const A0 = Math.max(0, A);
  const cap = Math.max(sigmaMax * sigmaMax, A0);
  const q1 = A0 + 2 * B + C;
  if (Math.sqrt(Math.max(0, q1)) <= Math.sqrt(cap) + tol) return 1;
  const slack = cap - A0; // ≥ 0
  let s: number;
  if (C <= 0) s = B > 0 ? slack / (2 * B) : 1;
  else if (B > 0) s = slack / (B + Math.sqrt(B * B + C * slack));
  else s = (-B + Math.sqrt(B * B + C * slack)) / C;
  return Math.min(1, Math.max(0, s));
}
