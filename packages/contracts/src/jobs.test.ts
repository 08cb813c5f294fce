import { describe, expect, it } from 'vitest';
import {
  DEFAULT_TRAINING_SPLITS,
  featureBackfillPayload,
  regimeFitPayload,
  regimeUpdatePayload,
  trainingSplitsSchema,
} from './jobs';

describe('job payloads', () => {
  it('take only timeframes a worker can run', () => {
    expect(featureBackfillPayload.safeParse({ symbols: ['SPY'], timeframe: '1d' }).success).toBe(true);
    expect(featureBackfillPayload.safeParse({ symbols: ['SPY'], timeframe: '2d' }).success).toBe(false);
    expect(regimeFitPayload.safeParse({ symbol: 'SPY', timeframe: '1w' }).success).toBe(false);
    expect(regimeFitPayload.parse({ symbol: 'SPY' }).timeframe).toBe('1d');
    expect(regimeFitPayload.parse({ symbol: 'SPY', smoothingHalfLife: 5 }).smoothingHalfLife).toBe(5);
    expect(regimeFitPayload.parse({ symbol: 'SPY' }).smoothingHalfLife).toBeUndefined();
    for (const bad of [0, -2, 1000, Number.NaN]) {
      const r = regimeFitPayload.safeParse({ symbol: 'SPY', smoothingHalfLife: bad });
      expect(r.success && 'parsed').toBe(false);
      if (!r.success) expect(r.error.issues[0]!.path).toEqual(['smoothingHalfLife']);
    }
    expect(regimeUpdatePayload.safeParse({ symbol: 'SPY', timeframe: '' }).success).toBe(false);
  });

  it('read split dates with the one time parser: real days in range, nothing rolled forward', () => {
    expect(trainingSplitsSchema.safeParse(DEFAULT_TRAINING_SPLITS).success).toBe(true);
    for (const testTo of ['2018-02-30', '2019-02-29', '2018-12-31T00:00:00Z', '2100-01-01', '20181231']) {
      const parsed = trainingSplitsSchema.safeParse({ ...DEFAULT_TRAINING_SPLITS, testTo });
      expect(parsed.success, testTo).toBe(false);
      expect(parsed.error?.issues[0]?.path, testTo).toEqual(['testTo']);
    }
  });
});
