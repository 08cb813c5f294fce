import { describe, expect, it } from 'vitest';
import type { TargetExplanation } from './operations';
import { featureWaterfall, niceTicks, riskWaterfall, specialistWaterfall } from './waterfall';

const regime = { bull: 0.3, bear: 0.4, sideways: 0.3 };
const target: TargetExplanation = {
  symbol: 'SPY',
  featuresComplete: true,
  specialists: [
    {
      name: 'momentum',
      version: 1,
      signal: -0.4,
      baselineSignal: 0,
      weight: 0.5,
      contribution: -0.2,
      attributions: [],
      interaction: 0,
      weightAtUniformRegime: 0.5,
      weightByRegime: regime,
    },
    {
      name: 'defensive',
      version: 1,
      signal: 0.2,
      baselineSignal: 0.1,
      weight: 0.5,
      contribution: 0.1,
      attributions: [],
      interaction: 0,
      weightAtUniformRegime: 0.5,
      weightByRegime: regime,
    },
  ],
  baselineContribution: 0.05,
  featureContributions: [
    { name: 'logReturn1', value: 0.01 },
    { name: 'logReturn20', value: -0.2 },
    { name: 'drawdown', value: 0.03 },
  ],
  interactionContribution: 0.01,
  blendedSignal: -0.1,
  regimeInfluence: 0,
  blendOcclusion: [],
  currentWeight: 0.05,
  proposedWeight: -0.025,
  targetWeight: -0.01,
  riskAdjustment: 0.015,
};

describe('waterfalls', () => {
  it('goes baseline → features by |contribution| → interaction → blend, each step starting where the last ended', () => {
    const steps = featureWaterfall(target);
    expect(steps.map((s) => s.label)).toEqual([
      'baseline',
      'logReturn20',
      'drawdown',
      'logReturn1',
      'interaction',
      'blended signal',
    ]);
    for (let i = 1; i < steps.length - 1; i++) expect(steps[i]!.from).toBeCloseTo(steps[i - 1]!.to, 12);
    expect(steps.at(-2)!.to).toBeCloseTo(target.blendedSignal, 12);
    expect(steps.at(-1)).toMatchObject({ kind: 'total', from: 0, to: -0.1 });
  });

  it('adds the specialists’ weight × signal up to the blend, and the risk step down to the target', () => {
    const specialists = specialistWaterfall(target);
    expect(specialists.at(-2)!.to).toBeCloseTo(target.blendedSignal, 12);
    const risk = riskWaterfall(target);
    expect(risk.map((s) => s.label)).toEqual(['current weight', 'models', 'risk check', 'target weight']);
    expect(risk[1]!.value).toBeCloseTo(-0.075, 12);
    expect(risk.at(-2)!.to).toBeCloseTo(target.targetWeight, 12);
  });

  it('picks round ticks across zero', () => {
    expect(niceTicks(-0.23, 0.11, 4)).toEqual([-0.2, -0.1, 0, 0.1]);
    expect(niceTicks(0, 0)).toEqual([0]);
  });
});
