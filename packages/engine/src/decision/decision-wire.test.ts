import { decisionEvent, predictResponse, type DecisionBody } from '@tradeplane/contracts';
import { describe, expect, it } from 'vitest';
import { decisionEventJson, predictResponseJson } from './decision-wire';

const body: DecisionBody = {
  id: '01J0000000000000000000000A',
  requestKey: 'SPY|1d|1591041600000',
  at: 1591041600000,
  timeframe: '1d',
  asOf: '2020-06-01T20:00:00.000Z',
  regime: { bull: 0.6, bear: 0.1, sideways: 0.3 },
  regimeSource: { model: 'm1', symbol: 'SPY', barTime: '2020-06-01T00:00:00.000Z', note: null },
  confidence: 0.4,
  targets: [
    {
      symbol: 'SPY',
      barTime: '2020-06-01T00:00:00.000Z',
      features: { logReturn1: 0.004, volumeZ20: null },
      specialists: [{ name: 'momentum', version: 1, signal: 0.4, weight: 1 }],
      blendedSignal: 0.4,
      currentWeight: 0.05,
      proposedWeight: 0.1,
      targetWeight: 0.1,
      weightsNormalised: false,
      featuresComplete: true,
    },
  ],
  risk: { verdict: 'approve', scale: 1, bindingRule: null, rules: [] },
  models: { arm: 'production', versions: { momentum: 1 }, labels: { momentum: 'bootstrap' } },
  timings: { featuresMs: 0.01, regimeMs: 0, modelsMs: 0.02, riskMs: 0.01, totalMs: 0.05 },
};
const json = JSON.stringify(body);

describe('decision wire forms', () => {
  it('answers predict with the decision, shadow null and the trading state it was made in', () => {
    for (const state of ['ACTIVE', 'REDUCING'] as const) {
      const response = JSON.parse(predictResponseJson(json, state)) as unknown;
      expect(response).toEqual({ ...body, shadow: null, tradingState: state });
      expect(predictResponse.safeParse(response).success).toBe(true);
      expect(decisionEvent.safeParse(response).success).toBe(false); // no schema version
    }
  });

  it('publishes the decision as a version 1 event, with or without shadow outputs', () => {
    const shadow = {
      versions: { momentum: 2 },
      targets: [{ symbol: 'SPY', proposedWeight: 0.2, blendedSignal: 0.8 }],
    };
    for (const outcome of [null, shadow]) {
      const event = JSON.parse(decisionEventJson(json, outcome)) as unknown;
      expect(event).toEqual({ schemaVersion: 1, ...body, shadow: outcome });
      expect(decisionEvent.parse(event)).toEqual(event);
      expect(predictResponse.safeParse(event).success).toBe(false); // no trading state
    }
  });
});
