/**
 * The decision path's shell: features (read from the in-memory columns), the regime
 * row at asOf, the arm for the request key, the models, the risk check on the proposed
 * changes, the decision; after the response, the set scored beside it and the decision event.
 * Nothing here waits on PostgreSQL or Kafka: the only possible awaits are a series not loaded
 * yet (its features then) and the canary latency drill (ENGINE_FAULT_CANARY_DELAY_MS).
 */
import type { DecisionBody, FeatureVectorDto, ShadowOutcome, Timeframe } from '@tradeplane/contracts';
import type { Logger } from '@tradeplane/platform';
import type { PreTradeLimits, RiskModel } from '@tradeplane/quant';
import type { RiskSnapshot } from '../risk';
import { assembleDecision, checkTargets, scoreTargets, shadowOutcome } from './decision-builder';
import type { DecisionMetrics } from './decision-metrics';
import { decisionEventJson } from './decision-wire';
import type { ActiveModels, ArmModels } from '../catalog';
import type { PredictRequest } from './predict.schema';
import type { RegimeTable } from '../regime';
import { chooseArm } from '../catalog';
import type { ModelSet } from '@tradeplane/models';
import { mostLikelyRegime } from '@tradeplane/quant';
import type { CounterfactualRecorder } from '../market-data/replays';
import { counterfactualProposals } from './counterfactual';

/** Where decision events go: the buffered Kafka publisher (`publish` is O(1) and never throws). */
export interface DecisionEventSink {
  publish(key: string, value: string | object): void;
}

export interface FeatureSource {
  vectorFromMemory(symbol: string, timeframe: Timeframe, asOfMs: number): FeatureVectorDto | undefined;
  vector(symbol: string, timeframe: Timeframe, asOfMs: number): Promise<FeatureVectorDto>;
}

export interface DecisionServiceDeps {
  features: FeatureSource;
  regime: { readonly table: RegimeTable };
  models: { readonly active: ActiveModels };
  risk: { readonly snapshot: RiskSnapshot | null; readonly limits: PreTradeLimits };
  events: DecisionEventSink;
  metrics: DecisionMetrics;
  nextId: () => string;
  clock: () => number;
  /**
   * Failure drill: a decision the canary arm serves waits this long (a timer) before it is
   * assembled, so its totalMs and the HTTP latency include it. 0 (off) outside drills.
   */
  faultCanaryDelayMs: number;
  /** Weight of a blended signal of ±1. */
  positionScale: number;
  /** Live replays: a decision for a replay's portfolio is scored with the regime counterfactuals. */
  counterfactuals?: CounterfactualRecorder;
  log: Logger;
}

export class RiskUnavailableError extends Error {
  readonly code = 'UNAVAILABLE' as const;
}

/** A decision and what the after-response step needs. */
export interface Decided {
  decision: DecisionBody;
  /**
   * The set scored beside the acting one after the response: on a canary-served request the
   * production set, on a production-served one the canary while one exists, else the shadow.
   */
  beside: ArmModels | null;
  /** The risk model and limits the decision was checked against (the beside set's check too). */
  risk: { model: RiskModel; limits: PreTradeLimits };
  portfolio: Readonly<Record<string, number>>;
  /** The models that made it (the counterfactuals rerun them). */
  set: ModelSet;
}

const round3 = (ms: number) => Math.round(ms * 1000) / 1000;

export class DecisionService {
  constructor(private readonly deps: DecisionServiceDeps) {}

  /**
   * One decision. `startedAt` is `performance.now()` at the request's arrival (totalMs counts
   * from there). Throws UnknownSymbolError / NoDataError from the features and
   * RiskUnavailableError while the risk model is being built.
   */
  async decide(request: PredictRequest, startedAt: number): Promise<Decided> {
    const { deps } = this;
    if (!deps.risk.snapshot) throw new RiskUnavailableError('the risk model is not built yet; retry shortly');
    const t0 = performance.now();
    const vectors = await this.features(request);
    const t1 = performance.now();

    // From here to the end: synchronous (but for the canary drill's timer, which waits after
    // everything is read into locals), so the model sets read below cannot change under us.
    const regime = deps.regime.table;
    const point = regime.at(request.asOfMs);
    const t2 = performance.now();

    // `active` carries the canary share with the sets: one read, one consistent routing.
    const active = deps.models.active;
    const armName = chooseArm(request.requestKey, active.canaryPercent, active.canary !== null);
    const arm = armName === 'canary' ? active.canary! : active.production;
    const beside = armName === 'canary' ? active.production : (active.canary ?? active.shadow);
    const scored = scoreTargets(arm.set, vectors, point, request.portfolio, deps.positionScale);
    const t3 = performance.now();

    // The snapshot is read once here; a rebuild only ever replaces it with another one.
    const snapshot = deps.risk.snapshot!;
    const limits = deps.risk.limits;
    const risk = checkTargets(scored, request.portfolio, snapshot.model, limits);
    const t4 = performance.now();
    if (armName === 'canary' && deps.faultCanaryDelayMs > 0)
      await new Promise<void>((resolve) => setTimeout(resolve, deps.faultCanaryDelayMs));

    const decision = assembleDecision({
      id: deps.nextId(),
      requestKey: request.requestKey,
      portfolioId: request.portfolioId,
      at: deps.clock(),
      timeframe: request.timeframe,
      asOfMs: request.asOfMs,
      regime: point,
      regimeModel: regime.source,
      arm,
      scored,
      risk,
      timings: {
        featuresMs: round3(t1 - t0),
        regimeMs: round3(t2 - t1),
        modelsMs: round3(t3 - t2),
        riskMs: round3(t4 - t3),
        totalMs: round3(performance.now() - startedAt),
      },
    });

    deps.metrics.decided(armName, decision.timings.totalMs);
    for (const t of scored) {
      if (t.weightsCheck.fixed)
        deps.metrics.weightsNormalised(t.weightsCheck.issues, { symbol: t.features.symbol, models: arm.key });
      if (t.signalsClamped > 0) deps.metrics.signalsClamped(t.signalsClamped);
    }
    return {
      decision,
      beside,
      risk: { model: snapshot.model, limits },
      portfolio: request.portfolio,
      set: arm.set,
    };
  }

  /**
   * After the response is written: publish the event, spliced from `bodyJson` (the
   * `JSON.stringify` of the decision the response was made from); with a set to score beside
   * it, score and risk-check that on the next turn of the event loop and publish the event with
   * its outputs then.
   */
  afterResponse(decided: Decided, bodyJson: string): void {
    const { decision, beside, portfolio, risk } = decided;
    const { events, metrics, positionScale, log, counterfactuals } = this.deps;
    const portfolioId = decision.portfolioId;
    if (counterfactuals && portfolioId && counterfactuals.observes(portfolioId))
      setImmediate(() => this.scoreCounterfactuals(decided, portfolioId, counterfactuals));
    if (!beside) {
      events.publish(decision.id, decisionEventJson(bodyJson, null));
      return;
    }
    setImmediate(() => {
      let outcome: ShadowOutcome | null = null;
      try {
        outcome = shadowOutcome(beside, decision, portfolio, positionScale, risk);
        metrics.besideScored(beside.arm);
      } catch (err) {
        log.error(
          { err, decisionId: decision.id, arm: beside.arm, versions: beside.key },
          'scoring the set beside the decision failed',
        );
      }
      events.publish(decision.id, decisionEventJson(bodyJson, outcome));
    });
  }

  /**
   * A replay's decision rerun with the raw filtered and the hard-switch regime on the same
   * features and current weights: the disruption the smoothing saves, measured on the replay.
   */
  private scoreCounterfactuals(
    { decision, set }: Decided,
    portfolioId: string,
    recorder: CounterfactualRecorder,
  ): void {
    const { positionScale, log } = this.deps;
    try {
      const variants = this.deps.regime.table.variantsAt(Date.parse(decision.asOf));
      const served: Record<string, number> = {};
      for (const t of decision.targets) served[t.symbol] = t.proposedWeight;
      recorder.record(portfolioId, {
        decisionId: decision.id,
        asOf: decision.asOf,
        regime: { served: mostLikelyRegime(decision.regime), filtered: mostLikelyRegime(variants.filtered) },
        proposed: {
          served,
          filtered: counterfactualProposals(set, decision, variants.filtered, positionScale),
          hard: counterfactualProposals(set, decision, variants.hard, positionScale),
        },
      });
    } catch (err) {
      log.error({ err, decisionId: decision.id }, 'counterfactual scoring failed');
    }
  }

  private async features(request: PredictRequest): Promise<FeatureVectorDto[]> {
    const { features } = this.deps;
    const { symbols, timeframe, asOfMs } = request;
    const out: FeatureVectorDto[] = new Array<FeatureVectorDto>(symbols.length);
    let missing: number[] | null = null;
    for (let i = 0; i < symbols.length; i++) {
      const v = features.vectorFromMemory(symbols[i]!, timeframe, asOfMs);
      if (v) out[i] = v;
      else (missing ??= []).push(i);
    }
    if (missing) {
      const loaded = await Promise.all(missing.map((i) => features.vector(symbols[i]!, timeframe, asOfMs)));
      missing.forEach((i, k) => (out[i] = loaded[k]!));
    }
    return out;
  }
}
