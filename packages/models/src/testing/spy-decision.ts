/**
 * Test fixture: a decision as the engine builds it, on SPY's real features (../shared/data),
 * for the forensics tests of the engine and the gateway. The risk check is a fixed resize by
 * half, bound by the gross rule.
 */
import {
  DECISION_EVENT_SCHEMA_VERSION,
  decisionEvent,
  decisionIdTime,
  type DecisionEvent,
} from '@tradeplane/contracts';
import type { ModelSet } from '../model-set/model-set';
import { spyFeatures } from './spy-features';

export interface SpyDecisionSpec {
  id: string;
  /** One target per entry: a symbol name and the SPY date whose features it gets. */
  targets: ReadonlyArray<{ symbol: string; date: string }>;
  regime: DecisionEvent['regime'];
  requestKey?: string;
  currentWeight?: number;
}

export function spyDecision(set: ModelSet, spec: SpyDecisionSpec): DecisionEvent {
  const spy = spyFeatures();
  const p = [spec.regime.bull, spec.regime.bear, spec.regime.sideways];
  const currentWeight = spec.currentWeight ?? 0;
  const targets = spec.targets.map(({ symbol, date }) => {
    const i = spy.dates.indexOf(date);
    if (i < 0) throw new Error(`no SPY bar on ${date}`);
    const out = set.decide(spy.row(i), p);
    const proposedWeight = Math.max(-0.25, Math.min(0.25, out.blend * 0.25));
    return {
      symbol,
      barTime: `${date}T00:00:00.000Z`,
      features: spy.vectors[i]! as Record<string, number | null>,
      specialists: set.specialistNames.map((name, s) => ({
        name,
        version: set.models[s]!.version,
        signal: out.signals[s]!,
        weight: out.weights[s]!,
      })),
      blendedSignal: out.blend,
      currentWeight,
      proposedWeight,
      targetWeight: currentWeight + (proposedWeight - currentWeight) * 0.5,
      weightsNormalised: false,
      featuresComplete: true,
    };
  });
  return decisionEvent.parse({
    schemaVersion: DECISION_EVENT_SCHEMA_VERSION,
    id: spec.id,
    requestKey: spec.requestKey ?? `test-${spec.id}`,
    at: decisionIdTime(spec.id),
    timeframe: '1d',
    asOf: `${spec.targets[0]?.date ?? '2018-01-02'}T21:00:00.000Z`,
    regime: spec.regime,
    confidence: 0.5,
    targets,
    risk: {
      verdict: 'resize',
      scale: 0.5,
      bindingRule: 'gross',
      rules: [
        {
          rule: 'gross',
          passed: true,
          binding: true,
          code: 'GROSS_LIMIT',
          limit: 1,
          actual: 0.9,
          after: 1,
          detail: 'scaled to the gross limit',
        },
        {
          rule: 'concentration',
          passed: true,
          binding: false,
          code: null,
          limit: 0.25,
          actual: 0.02,
          after: 0.1,
          detail: 'within limit',
        },
      ],
    },
    models: {
      arm: 'production',
      versions: Object.fromEntries(set.models.map((m) => [m.name, m.version])),
    },
    shadow: null,
    timings: { featuresMs: 0.05, regimeMs: 0.01, modelsMs: 0.12, riskMs: 0.03, totalMs: 0.23 },
  });
}
