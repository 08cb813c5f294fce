import { describe, expect, it } from 'vitest';
import { decidesIn, parseDecisionEvent, tradingStates, tradingStatus } from './decisions';

const event = {
  schemaVersion: 1,
  id: '01J0000000000000000000000A',
  requestKey: 'k',
  at: 1,
  timeframe: '1d',
  asOf: '2020-06-01T20:00:00.000Z',
  regime: { bull: 1 / 3, bear: 1 / 3, sideways: 1 / 3 },
  confidence: 0,
  targets: [],
  risk: { verdict: 'approve', scale: 1, bindingRule: null, rules: [] },
  models: { arm: 'production', versions: {} },
  shadow: null,
  timings: { featuresMs: 0, regimeMs: 0, modelsMs: 0, riskMs: 0, totalMs: 0 },
};

describe('parseDecisionEvent', () => {
  it('reads a version 1 event', () => {
    expect(parseDecisionEvent(JSON.stringify(event))).toEqual({ ok: true, event });
  });

  it('refuses another or a missing schema version before reading the fields, saying which', () => {
    expect(parseDecisionEvent(JSON.stringify({ ...event, schemaVersion: 2, targets: 'changed' }))).toEqual({
      ok: false,
      reason: 'schemaVersion: unknown version 2 (this consumer reads version 1)',
    });
    const { schemaVersion: _, ...unversioned } = event;
    expect(parseDecisionEvent(JSON.stringify(unversioned))).toEqual({
      ok: false,
      reason: 'schemaVersion: missing (this consumer reads version 1)',
    });
    expect(parseDecisionEvent(JSON.stringify({ ...event, schemaVersion: '1' }))).toMatchObject({
      reason: 'schemaVersion: unknown version "1" (this consumer reads version 1)',
    });
  });

  it('names the first bad field of a version 1 event, and says when it is not JSON', () => {
    expect(parseDecisionEvent(JSON.stringify({ ...event, confidence: 'high' }))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^confidence: /),
    });
    expect(parseDecisionEvent('{')).toEqual({ ok: false, reason: 'not JSON' });
    expect(parseDecisionEvent(null)).toEqual({ ok: false, reason: 'empty message' });
  });
});

describe('trading state', () => {
  it('decides while ACTIVE or REDUCING, never while HALTED', () => {
    expect(tradingStates.filter(decidesIn)).toEqual(['ACTIVE', 'REDUCING']);
  });

  it('is a value, not a flag: the status of the earlier boolean form does not parse', () => {
    const status = { state: 'REDUCING', cause: 'risk: VaR near limit', actor: 'user:1', since: null };
    expect(tradingStatus.parse(status)).toEqual(status);
    expect(tradingStatus.safeParse({ halted: true, cause: null, actor: null, since: null }).success).toBe(
      false,
    );
  });
});
