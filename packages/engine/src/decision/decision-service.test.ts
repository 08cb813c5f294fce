import {
  decisionBody,
  decisionEvent,
  predictResponse,
  type DecisionEvent,
  type FeatureVectorDto,
} from '@tradeplane/contracts';
import { createLogger, createMetricsRegistry } from '@tradeplane/platform';
import { buildRiskModel, preTradeLimits, type BarColumns } from '@tradeplane/quant';
import { describe, expect, it } from 'vitest';
import {
  bootstrapModelSet,
  bootstrapModelSetInput,
  encodeOnnxModel,
  equalWeightMetaParams,
  metaControllerGraph,
  ModelSet,
  specialistNames,
} from '@tradeplane/models';
import { dailyReturnsTable } from '../risk';
import { counterfactualProposals } from './counterfactual';
import { scoreTargets } from './decision-builder';
import { DecisionMetrics } from './decision-metrics';
import { DecisionService, RiskUnavailableError, type Decided } from './decision-service';
import { predictResponseJson } from './decision-wire';
import type { ActiveModels, ArmModels } from '../catalog';
import { parsePredictRequest } from './predict.schema';
import { RegimeTable } from '../regime';
import { ulidFactory } from './ulid';
import type { CounterfactualRecorder } from '../market-data/replays';
import type { ReplayCounterfactual } from '@tradeplane/contracts';

const log = createLogger('test', 'silent');
const DAY = 86_400_000;
const NOW = Date.UTC(2020, 5, 1);
const sessions = { executionProviders: ['cpu' as const] };

/** A trending vector (momentum long, mean reversion short) and one still warming up. */
const VALUES = {
  logReturn1: 0.004,
  logReturn5: 0.02,
  logReturn20: 0.06,
  realizedVol20: 0.009,
  rsi14: 64,
  macdHist: 0.8,
  bollingerPctB: 0.82,
  volumeZ20: null,
  drawdown: -0.01,
};
const WARMING = { ...VALUES, logReturn20: null, realizedVol20: null };

function vector(symbol: string, asOfMs: number): FeatureVectorDto {
  return {
    symbol,
    timeframe: '1d',
    barTime: new Date(asOfMs - (asOfMs % DAY)).toISOString(),
    asOf: new Date(asOfMs).toISOString(),
    values: symbol === 'NEW' ? WARMING : VALUES,
    source: 'memory',
  } as FeatureVectorDto;
}

function riskModel() {
  let seed = 3;
  const noise = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32 - 0.5) * 0.02;
  const series = ['SPY', 'AAPL', 'NEW'].map((symbol) => {
    const close = new Float64Array(300);
    close[0] = 100;
    for (let t = 1; t < 300; t++) close[t] = close[t - 1]! * (1 + noise());
    const bars: BarColumns = {
      ts: Float64Array.from({ length: 300 }, (_, t) => NOW - (300 - t) * DAY),
      open: close,
      high: close,
      low: close,
      close,
      volume: null,
    };
    return { symbol, bars };
  });
  return buildRiskModel(dailyReturnsTable(series));
}

function arm(arm: ArmModels['arm'], set: ModelSet, version: number): ArmModels {
  const versions = Object.fromEntries(set.models.map((m) => [m.name, version]));
  return {
    arm,
    key: `v${version}`,
    set,
    versions,
    labels: Object.fromEntries(set.models.map((m) => [m.name, m.label])),
  };
}

/** A meta-controller without its softmax, whose bias makes the first weight negative. */
function invalidWeightsSet(): ModelSet {
  const params = { ...equalWeightMetaParams(specialistNames), bias: [-1, 0.5, 0.5] };
  const graph = metaControllerGraph(params);
  const nodes = graph.nodes.slice(0, -1);
  nodes[nodes.length - 1] = { ...nodes.at(-1)!, outputs: ['weights'] };
  const bytes = encodeOnnxModel({ graph: { ...graph, nodes } });
  const models = bootstrapModelSetInput(bootstrapModelSet());
  return ModelSet.create(
    { ...models, metaController: { name: 'meta-controller', version: 9, label: 'broken', bytes } },
    sessions,
  );
}

/** A meta-controller that leans on momentum in a bull regime and on defence in a bear one. */
function regimeSensitiveSet(): ModelSet {
  const params = equalWeightMetaParams(specialistNames);
  params.regimeWeights = [
    [3, 0, 0],
    [0, 0, 3],
    [0, 3, 0],
  ];
  const bytes = encodeOnnxModel({ graph: metaControllerGraph(params) });
  const models = bootstrapModelSetInput(bootstrapModelSet());
  return ModelSet.create(
    { ...models, metaController: { name: 'meta-controller', version: 7, label: 'regime', bytes } },
    sessions,
  );
}

/** A regime table over synthetic SPY bars up to NOW with a hand-set model: a non-uniform regime. */
function syntheticRegimeTable(): RegimeTable {
  let seed = 11;
  const noise = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32 - 0.5) * 0.02;
  const close = new Float64Array(120);
  close[0] = 100;
  for (let t = 1; t < 120; t++) close[t] = close[t - 1]! * (1.002 + noise());
  const bars: BarColumns = {
    ts: Float64Array.from({ length: 120 }, (_, t) => NOW - (120 - t) * DAY),
    open: close,
    high: close,
    low: close,
    close,
    volume: null,
  };
  const params = {
    pi: [1 / 3, 1 / 3, 1 / 3],
    transition: [
      [0.9, 0.05, 0.05],
      [0.05, 0.9, 0.05],
      [0.05, 0.05, 0.9],
    ],
    means: [
      [0.002, 0.006],
      [-0.003, 0.02],
      [0, 0.009],
    ],
    vars: [
      [1e-4, 1e-5],
      [4e-4, 1e-4],
      [1e-4, 1e-5],
    ],
    labels: ['bull', 'bear', 'sideways'],
    volWindow: 20,
    smoothingHalfLife: 5,
  };
  return RegimeTable.fromModel({ version: 'm-synthetic', symbol: 'SPY', timeframe: '1d', params }, bars);
}

function setup(
  active: Partial<ActiveModels> = {},
  options: {
    risk?: boolean;
    canaryPercent?: number;
    faultCanaryDelayMs?: number;
    regime?: RegimeTable;
    counterfactuals?: CounterfactualRecorder;
  } = {},
) {
  const registry = createMetricsRegistry('test');
  const published: Array<{ key: string; value: string | object }> = [];
  const production = arm('production', ModelSet.create(bootstrapModelSetInput(), sessions), 1);
  const models: ActiveModels = {
    production,
    canary: null,
    shadow: null,
    canaryPercent: options.canaryPercent ?? 5,
    canaryPercentSource: 'env',
    source: 'registry',
    since: '',
    ...active,
  };
  const risk = {
    snapshot: options.risk === false ? null : { model: riskModel(), info: {} as never },
    limits: preTradeLimits(),
  };
  const service = new DecisionService({
    features: {
      vectorFromMemory: (symbol, _tf, asOf) => (symbol === 'COLD' ? undefined : vector(symbol, asOf)),
      vector: async (symbol, _tf, asOf) => vector(symbol, asOf),
    },
    regime: {
      table: options.regime ?? RegimeTable.uniform('SPY', '1d', 'no regime model is stored for SPY 1d'),
    },
    models: { active: models },
    risk,
    events: { publish: (key, value) => published.push({ key, value }) },
    metrics: new DecisionMetrics(
      registry,
      { halted: () => false, active: () => models, swaps: () => 0 },
      () => NOW,
      log,
    ),
    nextId: ulidFactory(() => NOW),
    clock: () => NOW,
    faultCanaryDelayMs: options.faultCanaryDelayMs ?? 0,
    positionScale: 0.25,
    ...(options.counterfactuals ? { counterfactuals: options.counterfactuals } : {}),
    log,
  });
  return { service, registry, published, production, risk };
}

const request = (body: Record<string, unknown>) =>
  parsePredictRequest({ timeframe: '1d', asOf: '2020-06-01T20:00:00Z', ...body }, NOW);

describe('DecisionService', () => {
  it('builds a decision the contract accepts: targets, weights on the simplex, risk, versions, timings', async () => {
    const { service, published } = setup();
    const decided = await service.decide(
      request({ symbols: ['SPY', 'AAPL', 'NEW'], portfolio: { SPY: 0.05, XOM: 0.1 } }),
      performance.now(),
    );
    const d = decided.decision;
    expect(decisionBody.safeParse(d).success).toBe(true);
    expect(d.regime).toEqual({ bull: 1 / 3, bear: 1 / 3, sideways: 1 / 3 });
    expect(d.regimeSource).toMatchObject({ model: null, note: 'no regime model is stored for SPY 1d' });
    expect(d.models).toMatchObject({ arm: 'production', labels: { momentum: 'bootstrap' } });
    expect(d.models.versions).toEqual({
      momentum: 1,
      'mean-reversion': 1,
      defensive: 1,
      'meta-controller': 1,
    });
    const [spy, aapl, fresh] = d.targets;
    expect(spy!.specialists.map((s) => s.name)).toEqual(['momentum', 'mean-reversion', 'defensive']);
    expect(spy!.specialists.reduce((a, s) => a + s.weight, 0)).toBeCloseTo(1, 6);
    expect(spy!.blendedSignal).toBeCloseTo(
      spy!.specialists.reduce((a, s) => a + s.weight * s.signal, 0),
      12,
    );
    expect(spy!.proposedWeight).toBeCloseTo(0.25 * spy!.blendedSignal, 12);
    expect(spy!.currentWeight).toBe(0.05);
    expect(aapl!.currentWeight).toBe(0);
    expect(fresh).toMatchObject({ featuresComplete: false, proposedWeight: 0, targetWeight: 0 });
    expect(d.confidence).toBeCloseTo((Math.abs(spy!.blendedSignal) + Math.abs(aapl!.blendedSignal)) / 3, 12);
    expect(d.risk.rules.map((r) => r.rule)).toContain('concentration');
    for (const key of ['featuresMs', 'regimeMs', 'modelsMs', 'riskMs', 'totalMs'] as const)
      expect(d.timings[key]).toBeGreaterThanOrEqual(0);
    expect(published).toEqual([]); // nothing before the response

    const json = JSON.stringify(d);
    service.afterResponse(decided, json);
    expect(published).toEqual([{ key: d.id, value: expect.any(String) }]);
    const event: unknown = JSON.parse(published[0]!.value as string);
    expect(event).toEqual({ schemaVersion: 1, ...d, shadow: null });
    expect(decisionEvent.safeParse(event).success).toBe(true);
  });

  it('normalises invalid meta-controller weights, flags the target and counts it in a metric', async () => {
    const { service, registry } = setup({ production: arm('production', invalidWeightsSet(), 9) });
    const { decision } = await service.decide(request({ symbols: ['SPY', 'AAPL'] }), performance.now());
    for (const t of decision.targets) {
      expect(t.weightsNormalised).toBe(true);
      expect(t.specialists.map((s) => s.weight)).toEqual([0, 0.5, 0.5]);
    }
    const metric = await registry.getSingleMetric('tp_meta_weights_normalised_total')!.get();
    expect(metric.values).toEqual([expect.objectContaining({ labels: { issue: 'NEGATIVE' }, value: 2 })]);
  });

  it('routes by the request key: the same key always gets the same arm and its versions', async () => {
    const canary = arm('canary', ModelSet.create(bootstrapModelSetInput(), sessions), 2);
    const { service } = setup({ canary }, { canaryPercent: 50 });
    const arms = new Map<string, string>();
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 40; i++) {
        const { decision } = await service.decide(request({ symbol: 'SPY', requestKey: `order-${i}` }), 0);
        const seen = arms.get(`order-${i}`);
        if (seen) expect(decision.models.arm).toBe(seen);
        arms.set(`order-${i}`, decision.models.arm);
        expect(decision.models.versions.momentum).toBe(decision.models.arm === 'canary' ? 2 : 1);
      }
    }
    const canaries = [...arms.values()].filter((a) => a === 'canary').length;
    expect(canaries).toBeGreaterThan(5);
    expect(canaries).toBeLessThan(35);
  });

  it('scores the shadow after the response and publishes the event with its outputs', async () => {
    const shadow = arm('shadow', invalidWeightsSet(), 9);
    const { service, published } = setup({ shadow });
    const decided: Decided = await service.decide(request({ symbol: 'SPY' }), 0);
    const json = JSON.stringify(decided.decision);
    service.afterResponse(decided, json);
    expect(published).toEqual([]);
    await new Promise((r) => setImmediate(r));
    const event = decisionEvent.parse(JSON.parse(published[0]!.value as string)) satisfies DecisionEvent;
    expect(published[0]!.key).toBe(decided.decision.id);
    // The response never carries shadow outputs.
    expect(predictResponse.parse(JSON.parse(predictResponseJson(json, 'ACTIVE'))).shadow).toBeNull();
    expect(event.shadow?.versions.momentum).toBe(9);
    expect(event.shadow?.targets[0]!.symbol).toBe('SPY');
    expect(event.shadow?.targets[0]!.blendedSignal).not.toBe(decided.decision.targets[0]!.blendedSignal);
    expect(event.models.arm).toBe('production');
    expect(event.shadow?.arm).toBe('shadow');
    expect(event.shadow?.risk).toEqual({ verdict: expect.any(String), bindingRule: null });
  });

  /** A full book already (outside the request): a proposal that adds to SPY is cut to nothing. */
  const FULL_BOOK = { XOM: 0.25, GE: 0.25, PFE: 0.25, T: 0.25, SPY: 0.01 };
  const afterResponse = async (
    service: DecisionService,
    decided: Decided,
    published: { value: unknown }[],
  ) => {
    service.afterResponse(decided, JSON.stringify(decided.decision));
    await new Promise((r) => setImmediate(r));
    return decisionEvent.parse(JSON.parse(published.at(-1)!.value as string));
  };
  const besideCount = async (registry: ReturnType<typeof setup>['registry']) =>
    Object.fromEntries(
      (await registry.getSingleMetric('tp_shadow_decisions_total')!.get()).values.map((v) => [
        v.labels.arm,
        v.value,
      ]),
    );

  it('on a canary-served request scores the production set beside it, risk-checked on the same book', async () => {
    const canary = arm('canary', invalidWeightsSet(), 9);
    const shadow = arm('shadow', regimeSensitiveSet(), 7);
    const { service, published, registry, risk } = setup({ canary, shadow }, { canaryPercent: 100 });
    const decided = await service.decide(request({ symbol: 'SPY', portfolio: FULL_BOOK }), 0);
    expect(decided.decision.models.arm).toBe('canary');
    expect(decided.beside?.arm).toBe('production');
    // The book's risk state the decision saw travels with it; a rebuild meanwhile does not change it.
    const seen = risk.snapshot!.model;
    risk.snapshot = { model: riskModel(), info: {} as never };
    expect(decided.risk.model).toBe(seen);

    const event = await afterResponse(service, decided, published);
    expect(event.models.arm).toBe('canary');
    expect(event.shadow).toMatchObject({ arm: 'production', versions: { momentum: 1 } });
    // Production proposes more SPY on a full book: the pre-trade check cuts it, as it would have acting.
    expect(event.shadow!.targets[0]!.proposedWeight).toBeGreaterThan(0.01);
    expect(event.shadow!.risk).toEqual({ verdict: 'resize', bindingRule: 'gross_exposure' });
    // What the ledger books for it is what the check let through, not what it asked for.
    const spy = event.shadow!.targets[0]!;
    const held = FULL_BOOK.SPY ?? 0;
    expect(Math.abs(spy.targetWeight! - held)).toBeLessThan(Math.abs(spy.proposedWeight - held));
    expect(await besideCount(registry)).toEqual({ production: 1 });
  });

  it('on a production-served request scores the canary beside it while one exists, else the shadow', async () => {
    const canary = arm('canary', regimeSensitiveSet(), 2);
    const shadow = arm('shadow', invalidWeightsSet(), 9);
    const withCanary = setup({ canary, shadow }, { canaryPercent: 0 });
    const decided = await withCanary.service.decide(request({ symbol: 'SPY', portfolio: { SPY: 0.01 } }), 0);
    expect(decided.decision.models.arm).toBe('production');
    const event = await afterResponse(withCanary.service, decided, withCanary.published);
    expect(event.shadow).toMatchObject({ arm: 'canary', versions: { 'meta-controller': 2 } });
    expect(event.shadow!.risk).toEqual({ verdict: 'approve', bindingRule: null });
    expect(await besideCount(withCanary.registry)).toEqual({ canary: 1 });

    const shadowOnly = setup({ shadow }, { canaryPercent: 100 });
    const other = await shadowOnly.service.decide(request({ symbol: 'SPY', portfolio: FULL_BOOK }), 0);
    expect(other.decision.models.arm).toBe('production'); // no canary set: the share routes nothing
    const shadowEvent = await afterResponse(shadowOnly.service, other, shadowOnly.published);
    expect(shadowEvent.shadow).toMatchObject({ arm: 'shadow', versions: { momentum: 9 } });
    expect(await besideCount(shadowOnly.registry)).toEqual({ shadow: 1 });

    const alone = setup();
    const plain = await alone.service.decide(request({ symbol: 'SPY' }), 0);
    expect(plain.beside).toBeNull();
    expect((await afterResponse(alone.service, plain, alone.published)).shadow).toBeNull();
  });

  it('delays only canary-served decisions by the latency drill, with the wait in totalMs', async () => {
    const DELAY = 60;
    const canary = arm('canary', ModelSet.create(bootstrapModelSetInput(), sessions), 2);
    const served = async (canaryPercent: number) => {
      const { service } = setup({ canary }, { canaryPercent, faultCanaryDelayMs: DELAY });
      const startedAt = performance.now();
      const { decision } = await service.decide(request({ symbol: 'SPY' }), startedAt);
      return { decision, wallMs: performance.now() - startedAt };
    };
    const slow = await served(100);
    expect(slow.decision.models.arm).toBe('canary');
    expect(slow.decision.timings.totalMs).toBeGreaterThanOrEqual(DELAY - 1);
    expect(slow.wallMs).toBeGreaterThanOrEqual(DELAY - 1);
    const fast = await served(0);
    expect(fast.decision.models.arm).toBe('production');
    expect(fast.decision.timings.totalMs).toBeLessThan(DELAY - 1);
  });

  it('fetches vectors not in the process LRU, and refuses to decide before the risk model exists', async () => {
    const { service } = setup();
    const { decision } = await service.decide(request({ symbols: ['COLD', 'SPY'] }), 0);
    expect(decision.targets.map((t) => t.symbol)).toEqual(['COLD', 'SPY']);
    const noRisk = setup({}, { risk: false }).service;
    await expect(noRisk.decide(request({ symbol: 'SPY' }), 0)).rejects.toBeInstanceOf(RiskUnavailableError);
  });

  it('serves the smoothed regime and says so: regimeSource carries the stored half-life', async () => {
    const table = syntheticRegimeTable();
    const { service } = setup({}, { regime: table });
    const { decision } = await service.decide(request({ symbol: 'SPY' }), 0);
    const served = table.at(Date.parse('2020-06-01T20:00:00Z'));
    expect(decision.regime).toEqual({ bull: served.bull, bear: served.bear, sideways: served.sideways });
    expect(decision.regimeSource).toEqual({
      model: 'm-synthetic',
      symbol: 'SPY',
      barTime: served.barTime,
      note: null,
      halfLife: 5,
    });
    expect(decisionBody.safeParse(decision).success).toBe(true);
  });

  it('trades a book that prices carried over the gross limit back inside it, where the check alone refused', async () => {
    const { service } = setup();
    // Held outside the request: a full book already; SPY's proposal would add to it.
    const held = { XOM: 0.25, GE: 0.25, PFE: 0.25, T: 0.25, SPY: 0.01 };
    const { decision } = await service.decide(request({ symbol: 'SPY', portfolio: held }), 0);
    const spy = decision.targets[0]!;
    expect(spy.proposedWeight).toBeGreaterThan(0.01);
    expect(decision.risk).toMatchObject({ verdict: 'resize', scale: 0, bindingRule: 'gross_exposure' });
    expect(spy.targetWeight).toBe(0);
    // A book inside its limits is checked as before: the same proposal from an empty book passes.
    const fresh = (await service.decide(request({ symbol: 'SPY', portfolio: { SPY: 0.01 } }), 0)).decision;
    expect(fresh.risk.verdict).toBe('approve');
    expect(fresh.targets[0]!.targetWeight).toBe(fresh.targets[0]!.proposedWeight);
  });
});

describe('counterfactualProposals', () => {
  const set = regimeSensitiveSet();
  const table = syntheticRegimeTable();

  it('runs a basket as one batch per model with the results of one run per symbol', () => {
    const targets = ['SPY', 'AAPL', 'NEW'].map((symbol) => {
      const v = vector(symbol, NOW);
      return { symbol, barTime: v.barTime, values: v.values };
    });
    const point = table.at(NOW);
    const portfolio = { SPY: 0.05, NEW: 0.1 };
    const batch = scoreTargets(set, targets, point, portfolio, 0.25);
    targets.forEach((t, i) => {
      const [one] = scoreTargets(set, [t], point, portfolio, 0.25);
      expect(batch[i]!.features).toBe(t);
      // Float32 kernels may round a batch differently in the last place.
      expect(batch[i]!.proposedWeight).toBeCloseTo(one!.proposedWeight, 6);
      expect(batch[i]!.blend).toBeCloseTo(one!.blend, 6);
      [...one!.signals].forEach((s, k) => expect(batch[i]!.signals[k]).toBeCloseTo(s, 6));
      [...one!.weights].forEach((w, k) => expect(batch[i]!.weights[k]).toBeCloseTo(w, 6));
      expect(batch[i]!.weightsCheck).toEqual(one!.weightsCheck);
      expect(batch[i]!.signalsClamped).toBe(one!.signalsClamped);
      expect(batch[i]!.complete).toBe(one!.complete);
    });
    expect(scoreTargets(set, [], point, portfolio, 0.25)).toEqual([]);
  });

  it('scores a replay portfolio’s decisions after the response with the raw filtered and the hard regime', async () => {
    const recorded: Array<{ portfolioId: string; entry: ReplayCounterfactual }> = [];
    const recorder: CounterfactualRecorder = {
      observes: (id) => id === 'paper-1',
      record: (portfolioId, entry) => recorded.push({ portfolioId, entry }),
    };
    const { service } = setup(
      { production: arm('production', set, 7) },
      { regime: table, counterfactuals: recorder },
    );
    const body = { symbols: ['SPY', 'AAPL'], portfolio: { SPY: 0.05 } };
    const decided = await service.decide(request({ ...body, portfolioId: 'paper-1' }), 0);
    const other = await service.decide(request({ ...body, portfolioId: 'book-2' }), 0);
    service.afterResponse(decided, JSON.stringify(decided.decision));
    service.afterResponse(other, JSON.stringify(other.decision));
    expect(recorded).toEqual([]);
    await new Promise((r) => setImmediate(r));
    expect(recorded).toHaveLength(1);
    const { decision } = decided;
    const variants = table.variantsAt(Date.parse(decision.asOf));
    expect(recorded[0]).toEqual({
      portfolioId: 'paper-1',
      entry: {
        decisionId: decision.id,
        asOf: decision.asOf,
        regime: { served: expect.any(String), filtered: expect.any(String) },
        proposed: {
          served: Object.fromEntries(decision.targets.map((t) => [t.symbol, t.proposedWeight])),
          filtered: counterfactualProposals(set, decision, variants.filtered, 0.25),
          hard: counterfactualProposals(set, decision, variants.hard, 0.25),
        },
      },
    });
    expect(recorded[0]!.entry.proposed.hard.SPY).not.toBeCloseTo(recorded[0]!.entry.proposed.served.SPY!, 6);
  });

  it('with the decision’s own regime reproduces every proposedWeight exactly; another regime moves them', async () => {
    const { service } = setup({ production: arm('production', set, 7) }, { regime: table });
    const { decision } = await service.decide(
      request({ symbols: ['SPY', 'AAPL', 'NEW'], portfolio: { SPY: 0.05, NEW: 0.1, XOM: 0.2 } }),
      0,
    );
    expect(decision.regime.bull).not.toBeCloseTo(1 / 3, 3);
    const own = counterfactualProposals(set, decision, decision.regime, 0.25);
    expect(own).toEqual(Object.fromEntries(decision.targets.map((t) => [t.symbol, t.proposedWeight])));

    const variants = table.variantsAt(Date.parse(decision.asOf));
    const bull = counterfactualProposals(set, decision, { bull: 1, bear: 0, sideways: 0 }, 0.25);
    const bear = counterfactualProposals(set, decision, { bull: 0, bear: 1, sideways: 0 }, 0.25);
    expect(bull.SPY).not.toBeCloseTo(bear.SPY!, 6);
    // A target still warming up keeps its current weight under any regime.
    expect(bull.NEW).toBe(0.1);
    expect(bear.NEW).toBe(0.1);
    expect(Object.keys(counterfactualProposals(set, decision, variants.hard, 0.25))).toEqual([
      'SPY',
      'AAPL',
      'NEW',
    ]);
  });
});
