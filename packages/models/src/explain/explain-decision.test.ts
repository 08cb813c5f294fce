import {
  featureNames,
  forensicsExplanation,
  type DecisionEvent,
  type FeatureName,
} from '@tradeplane/contracts';
import { afterAll, describe, expect, it } from 'vitest';
import { bootstrapModelSetInput } from '../bootstrap/bootstrap';
import { encodeOnnxModel } from '../onnx/onnx-model';
import { equalWeightMetaParams, metaControllerGraph } from '../graphs/meta-controller';
import { ModelSet } from '../model-set/model-set';
import { specialistNames } from '../graphs/specialists';
import { spyFeatures } from '../testing/spy-features';
import { spyDecision } from '../testing/spy-decision';
import { explainDecisions, ExplanationError, FORENSICS_BASELINE, ROWS_PER_TARGET } from './explain-decision';

const sessions = { executionProviders: ['cpu' as const] };
const spy = spyFeatures();

/** A meta-controller that leans on momentum in bull markets and on defensive in bear markets. */
function regimeAwareSet(): ModelSet {
  const params = equalWeightMetaParams(specialistNames);
  params.regimeWeights = [
    [2, 0, -1],
    [-1, 0, 2],
    [0, 1, 0],
  ];
  const input = bootstrapModelSetInput();
  return ModelSet.create(
    {
      ...input,
      metaController: {
        name: 'meta-controller',
        version: 7,
        label: 'test',
        bytes: encodeOnnxModel({ graph: metaControllerGraph(params) }),
      },
    },
    sessions,
  );
}

/** A decision on SPY's real features of the given dates, one target per date. */
function decide(set: ModelSet, dates: string[], regime: DecisionEvent['regime'], id: string): DecisionEvent {
  return spyDecision(set, { id, targets: dates.map((date, k) => ({ symbol: `SPY${k}`, date })), regime });
}

const bootstrap = ModelSet.create(bootstrapModelSetInput(), sessions);
const regimeAware = regimeAwareSet();
afterAll(() => {
  bootstrap.dispose();
  regimeAware.dispose();
});

const BEAR = { bull: 0.02, bear: 0.95, sideways: 0.03 };
const ID = '01HZX3Q7Y8K9M2N4P6R8T0V2W4';

describe('explainDecisions', () => {
  it('decomposes each blended signal exactly: baseline + feature contributions + interaction', () => {
    const decision = decide(regimeAware, ['2008-10-10', '2017-06-30', '2013-05-21'], BEAR, ID);
    const [explanation] = explainDecisions(regimeAware, [decision]);
    forensicsExplanation.parse(explanation);
    expect(explanation!.reproductionError).toBeLessThan(1e-6);
    expect(explanation!.rowsEvaluated).toBe(3 * ROWS_PER_TARGET);
    for (const t of explanation!.targets) {
      const features = featureNames.reduce((s, f) => s + t.featureContributions[f], 0);
      expect(t.baselineContribution + features + t.interactionContribution).toBeCloseTo(t.blendedSignal, 5);
      for (const s of t.specialists) {
        const attributed = featureNames.reduce((sum, f) => sum + s.attributions[f], 0);
        expect(s.baselineSignal + attributed + s.interaction).toBeCloseTo(s.signal, 5);
        expect(s.contribution).toBeCloseTo(s.weight * s.signal, 6);
      }
      const contributions = t.specialists.reduce((sum, s) => sum + s.contribution, 0);
      expect(contributions).toBeCloseTo(t.blendedSignal, 6);
    }
  });

  it('attributes what each specialist reads, and nothing it does not read', () => {
    // October 2008: deep drawdown, very high volatility, strongly negative 20-day return.
    const decision = decide(bootstrap, ['2008-10-10'], BEAR, ID);
    const target = explainDecisions(bootstrap, [decision])[0]!.targets[0]!;
    const by = (name: string) => target.specialists.find((s) => s.name === name)!;
    const momentum = by('momentum').attributions;
    const defensive = by('defensive').attributions;
    const meanReversion = by('mean-reversion').attributions;
    // Momentum reads returns and MACD: a crash pushes it short through logReturn20.
    expect(momentum.logReturn20).toBeLessThan(-0.01);
    for (const f of ['rsi14', 'bollingerPctB', 'drawdown', 'volumeZ20', 'logReturn1'] as FeatureName[])
      expect(momentum[f]).toBe(0);
    // Defensive reads drawdown and volatility, both say "cut".
    expect(defensive.drawdown).toBeLessThan(0);
    expect(defensive.realizedVol20).toBeLessThan(0);
    expect(defensive.logReturn20).toBe(0);
    // Mean reversion reads RSI and %b: oversold → long.
    expect(meanReversion.rsi14 + meanReversion.bollingerPctB).toBeGreaterThan(0);
    expect(meanReversion.drawdown).toBe(0);
  });

  it('shows the regime influence on the weights', () => {
    const bull = explainDecisions(regimeAware, [
      decide(regimeAware, ['2017-06-30'], { bull: 0.9, bear: 0.05, sideways: 0.05 }, ID),
    ])[0]!.targets[0]!;
    const momentum = bull.specialists.find((s) => s.name === 'momentum')!;
    const defensive = bull.specialists.find((s) => s.name === 'defensive')!;
    expect(momentum.weightByRegime.bull).toBeGreaterThan(momentum.weightByRegime.bear);
    expect(defensive.weightByRegime.bear).toBeGreaterThan(defensive.weightByRegime.bull);
    expect(momentum.weight).toBeGreaterThan(momentum.weightAtUniformRegime);
    const atUniform = bull.specialists.reduce((s, x) => s + x.weightAtUniformRegime * x.signal, 0);
    expect(bull.regimeInfluence).toBeCloseTo(bull.blendedSignal - atUniform, 6);
    expect(Math.abs(bull.regimeInfluence)).toBeGreaterThan(1e-3);
    // The bootstrap meta-controller ignores the regime: no influence.
    const flat = explainDecisions(bootstrap, [decide(bootstrap, ['2017-06-30'], BEAR, ID)])[0]!.targets[0]!;
    expect(flat.regimeInfluence).toBeCloseTo(0, 6);
  });

  it('lists the risk rules that changed the order and the weight they took off', () => {
    const explanation = explainDecisions(bootstrap, [decide(bootstrap, ['2017-06-30'], BEAR, ID)])[0]!;
    expect(explanation.risk.adjustments.map((r) => r.rule)).toEqual(['gross']);
    const t = explanation.targets[0]!;
    expect(t.riskAdjustment).toBeCloseTo(t.targetWeight - t.proposedWeight, 6);
  });

  it('gives the same explanation in a batch as one by one', () => {
    const a = decide(bootstrap, ['2008-10-10', '2017-06-30'], BEAR, ID);
    const b = decide(
      bootstrap,
      ['2000-03-24'],
      { bull: 0.5, bear: 0.2, sideways: 0.3 },
      '01HZX3Q7Y8K9M2N4P6R8T0V2W5',
    );
    expect(explainDecisions(bootstrap, [a, b])).toEqual([
      ...explainDecisions(bootstrap, [a]),
      ...explainDecisions(bootstrap, [b]),
    ]);
  });

  it('refuses a model set whose specialists are not the decision’s', () => {
    const decision = decide(bootstrap, ['2017-06-30'], BEAR, ID);
    decision.targets[0]!.specialists.reverse();
    expect(() => explainDecisions(bootstrap, [decision])).toThrow(ExplanationError);
  });

  it('uses a calm-market baseline whose volatility is SPY’s median realised volatility', () => {
    const vols = spy.vectors
      .map((v) => v.realizedVol20)
      .filter((v): v is number => v !== null)
      .sort((x, y) => x - y);
    const median = vols[Math.floor(vols.length / 2)]!;
    expect(Math.abs(FORENSICS_BASELINE.realizedVol20 / median - 1)).toBeLessThan(0.02);
    expect(FORENSICS_BASELINE.rsi14).toBe(50);
    expect(FORENSICS_BASELINE.bollingerPctB).toBe(0.5);
  });
});
