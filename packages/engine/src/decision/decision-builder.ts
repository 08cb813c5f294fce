/**
 * The pure core of a decision: feature rows and regime probabilities through one model set
 * (signals → checked weights → blend), blends to proposed weights, the pre-trade check on
 * the proposed changes, and the decision object. No I/O and no clock: the service passes the
 * id, the time and the timings in.
 *
 *   proposed = clamp(blend × positionScale, ±positionScale)   (features complete)
 *            = current                                       (a lookback window still filling)
 *   orders   = proposed − current, per symbol; the risk check scales them all by one s ∈ [0, 1]
 *   target   = current + s · (proposed − current)
 *   confidence = mean over targets of |blend| (0 for a target still warming up): the blended
 *                conviction, 1 when every weighted specialist says ±1 in the same direction.
 */
import type { DecisionBody, ShadowOutcome } from '@tradeplane/contracts';
import {
  checkOrders,
  exposureBreach,
  projectIntoExposureLimits,
  type PreTradeLimits,
  type PreTradeResult,
  type RiskModel,
} from '@tradeplane/quant';
import {
  featureRow,
  FEATURE_COUNT,
  REGIME_COUNT,
  type ModelSet,
  type WeightsCheck,
} from '@tradeplane/models';
import type { ArmModels } from '../catalog';
import type { RegimePoint } from '../regime';

/** The features of one symbol at asOf (a FeatureVectorDto, as far as a decision needs it). */
export interface TargetFeatures {
  symbol: string;
  barTime: string;
  values: Readonly<Record<string, number | null>>;
}

export interface ScoredTarget {
  features: TargetFeatures;
  /** One per specialist, in the set's order. */
  signals: Float64Array;
  weights: Float64Array;
  blend: number;
  weightsCheck: WeightsCheck;
  signalsClamped: number;
  complete: boolean;
  currentWeight: number;
  proposedWeight: number;
}

/** Features allowed to be null in a usable vector: the series may simply have no volume. */
const OPTIONAL_FEATURES = new Set(['volumeZ20']);

const row = new Float32Array(FEATURE_COUNT);
const regimeRow = new Float64Array(REGIME_COUNT);

/**
 * Runs `set` on every target; synchronous (ONNX Runtime runs on this thread). A basket is run
 * as one batch per model (rows = targets): each model runs once per decision, not once per
 * symbol, which is most of a basket decision's time otherwise.
 */
export function scoreTargets(
  set: ModelSet,
  targets: readonly TargetFeatures[],
  regime: RegimePoint,
  portfolio: Readonly<Record<string, number>>,
  positionScale: number,
): ScoredTarget[] {
  const outputs =
    targets.length === 1 ? [decideOne(set, targets[0]!, regime)] : decideMany(set, targets, regime);
  return targets.map((features, r) => {
    const out = outputs[r]!;
    const complete = isComplete(features.values);
    const currentWeight = portfolio[features.symbol] ?? 0;
    const proposedWeight = complete
      ? Math.max(-positionScale, Math.min(positionScale, out.blend * positionScale))
      : currentWeight;
    return { features, ...out, complete, currentWeight, proposedWeight };
  });
}

type ModelOutput = Pick<ScoredTarget, 'signals' | 'weights' | 'blend' | 'weightsCheck' | 'signalsClamped'>;

function decideOne(set: ModelSet, features: TargetFeatures, regime: RegimePoint): ModelOutput {
  regimeRow[0] = regime.bull;
  regimeRow[1] = regime.bear;
  regimeRow[2] = regime.sideways;
  featureRow(features.values as Parameters<typeof featureRow>[0], row);
  return set.decide(row, regimeRow);
}

function decideMany(set: ModelSet, targets: readonly TargetFeatures[], regime: RegimePoint): ModelOutput[] {
  const rows = targets.length;
  const features = new Float32Array(rows * FEATURE_COUNT);
  const regimes = new Float32Array(rows * REGIME_COUNT);
  targets.forEach((t, r) => {
    featureRow(t.values as Parameters<typeof featureRow>[0], row);
    features.set(row, r * FEATURE_COUNT);
    regimes[r * REGIME_COUNT] = regime.bull;
    regimes[r * REGIME_COUNT + 1] = regime.bear;
    regimes[r * REGIME_COUNT + 2] = regime.sideways;
  });
  const out = set.decideBatch(features, regimes, rows);
  const n = out.signals.length / rows;
  return targets.map((_, r) => ({
    signals: out.signals.slice(r * n, (r + 1) * n),
    weights: out.weights.slice(r * n, (r + 1) * n),
    blend: out.blends[r]!,
    weightsCheck: out.checks[r]!,
    signalsClamped: out.clamped[r]!,
  }));
}

function isComplete(values: Readonly<Record<string, number | null>>): boolean {
  for (const name in values) if (values[name] === null && !OPTIONAL_FEATURES.has(name)) return false;
  return true;
}

/**
 * The pre-trade check of the move from the current to the proposed weights. When the current
 * book is over an exposure limit, the move is toward the proposal clipped and scaled into the
 * limits (`resize`, `scale` its common factor, `bindingRule` the limit that cut it).
 */
export function checkTargets(
  scored: readonly ScoredTarget[],
  portfolio: Readonly<Record<string, number>>,
  model: RiskModel,
  limits: PreTradeLimits,
): PreTradeResult {
  const toward = (weights: (t: ScoredTarget) => number) =>
    checkOrders(
      {
        portfolio,
        orders: scored.map((t) => ({ symbol: t.features.symbol, deltaWeight: weights(t) - t.currentWeight })),
      },
      model,
      limits,
    );
  // A book that prices carried over an exposure limit is traded back inside it: toward the
  // proposal brought within the limits, since the check alone only stops it getting worse.
  if (exposureBreach(portfolio, limits) === null) return toward((t) => t.proposedWeight);
  const proposal: Record<string, number> = {};
  for (const t of scored) proposal[t.features.symbol] = t.proposedWeight;
  const projected = projectIntoExposureLimits(portfolio, proposal, limits);
  const result = toward((t) => projected.weights[t.features.symbol]!);
  if (result.verdict !== 'approve' || projected.rule === null) return result;
  return { ...result, verdict: 'resize', scale: projected.scale, bindingRule: projected.rule };
}

export interface DecisionParts {
  id: string;
  requestKey: string;
  portfolioId: string | null;
  at: number;
  timeframe: string;
  asOfMs: number;
  regime: RegimePoint;
  /** The regime table's source: model version, benchmark, smoothing half-life. */
  regimeModel: { model: string | null; symbol: string; halfLife: number | null };
  arm: ArmModels;
  scored: readonly ScoredTarget[];
  risk: PreTradeResult;
  timings: DecisionBody['timings'];
}

/** The decision: the body of the predict response and of the Kafka event (decision-wire.ts). */
export function assembleDecision(p: DecisionParts): DecisionBody {
  const names = p.arm.set.specialistNames;
  let confidence = 0;
  const approved = new Map(p.risk.orders.map((o) => [o.symbol, o.approvedWeight]));
  const targets = p.scored.map((t): DecisionBody['targets'][number] => {
    if (t.complete) confidence += Math.abs(t.blend);
    return {
      symbol: t.features.symbol,
      barTime: t.features.barTime,
      features: t.features.values as Record<string, number | null>,
      specialists: names.map((name, i) => ({
        name,
        version: p.arm.versions[name]!,
        signal: t.signals[i]!,
        weight: t.weights[i]!,
      })),
      blendedSignal: t.blend,
      currentWeight: t.currentWeight,
      proposedWeight: t.proposedWeight,
      targetWeight: approved.get(t.features.symbol) ?? t.currentWeight,
      weightsNormalised: t.weightsCheck.fixed,
      featuresComplete: t.complete,
    };
  });
  return {
    id: p.id,
    requestKey: p.requestKey,
    portfolioId: p.portfolioId,
    at: p.at,
    timeframe: p.timeframe,
    asOf: new Date(p.asOfMs).toISOString(),
    regime: { bull: p.regime.bull, bear: p.regime.bear, sideways: p.regime.sideways },
    regimeSource: regimeSource(p.regime, p.regimeModel),
    confidence: targets.length > 0 ? confidence / targets.length : 0,
    targets,
    risk: {
      verdict: p.risk.verdict,
      scale: p.risk.scale,
      bindingRule: p.risk.bindingRule,
      rules: p.risk.rules.map((r) => ({
        rule: r.rule,
        passed: r.passed,
        binding: r.binding,
        code: r.code,
        limit: r.limit,
        actual: r.actual,
        after: r.after,
        detail: r.detail,
      })),
    },
    models: { arm: p.arm.arm, versions: p.arm.versions, labels: p.arm.labels },
    timings: p.timings,
  };
}

/** Where the regime input came from; `halfLife` only when the model's smoothed row was served. */
function regimeSource(
  regime: RegimePoint,
  source: DecisionParts['regimeModel'],
): NonNullable<DecisionBody['regimeSource']> {
  const fromModel = regime.barTime !== null && source.model !== null;
  const base = {
    model: fromModel ? source.model : null,
    symbol: source.symbol,
    barTime: regime.barTime,
    note: regime.note,
  };
  return fromModel && source.halfLife !== null ? { ...base, halfLife: source.halfLife } : base;
}

/**
 * What a set scored beside the acting one would have proposed (after the response; never acted
 * on): the shadow, or during a canary the other acting set. Its proposal goes through the same
 * pre-trade check as the acting set's, on the risk model and limits the decision saw, so both
 * arms' verdicts are judged on the same book.
 */
export function shadowOutcome(
  beside: ArmModels,
  decision: DecisionBody,
  portfolio: Readonly<Record<string, number>>,
  positionScale: number,
  risk: { model: RiskModel; limits: PreTradeLimits },
): ShadowOutcome {
  const regime: RegimePoint = { ...decision.regime, barTime: null, note: null };
  const targets = decision.targets.map((t) => ({ symbol: t.symbol, barTime: t.barTime, values: t.features }));
  const scored = scoreTargets(beside.set, targets, regime, portfolio, positionScale);
  const checked = checkTargets(scored, portfolio, risk.model, risk.limits);
  const approved = new Map(checked.orders.map((o) => [o.symbol, o.approvedWeight]));
  return {
    arm: beside.arm,
    versions: beside.versions,
    targets: scored.map((t) => ({
      symbol: t.features.symbol,
      proposedWeight: t.proposedWeight,
      blendedSignal: t.blend,
      // What the check lets through, as the acting set's targetWeight: the ledger books this,
      // so both sets are measured on what they would have traded, not on what they asked for.
      targetWeight: approved.get(t.features.symbol) ?? t.currentWeight,
    })),
    risk: { verdict: checked.verdict, bindingRule: checked.bindingRule },
  };
}
