import { describe, expect, it } from 'vitest';
import { DEFAULT_TRAINING_SPLITS, trainingPayload } from './jobs';

describe('trainingPayload', () => {
  it('fills the defaults: SPY, seed 42, 5 bp, the 1994-2018 splits', () => {
    expect(trainingPayload.parse({})).toMatchObject({
      market: 'SPY',
      seed: 42,
      costBps: 5,
      modelName: 'tradeplane-blend',
      experiment: 'training',
      splits: DEFAULT_TRAINING_SPLITS,
    });
  });

  it('upper-cases symbols', () => {
    expect(trainingPayload.parse({ universe: ['aapl', ' spy '] }).universe).toEqual(['AAPL', 'SPY']);
  });

  it('names the field of overlapping or reversed windows', () => {
    const bad = (splits: Partial<typeof DEFAULT_TRAINING_SPLITS>) =>
      trainingPayload.safeParse({ splits: { ...DEFAULT_TRAINING_SPLITS, ...splits } }).error?.issues[0]?.path;
    expect(bad({ validationFrom: '2005-12-31' })).toEqual(['splits', 'validationFrom']);
    expect(bad({ trainTo: '1993-01-01' })).toEqual(['splits', 'trainTo']);
    expect(bad({ testTo: '2011-01-01' })).toEqual(['splits', 'testTo']);
    expect(bad({ testFrom: '2012-02-30' })).toEqual(['splits', 'testFrom']);
  });

  it('refuses a non-integer seed and an empty universe', () => {
    expect(trainingPayload.safeParse({ seed: 1.5 }).error?.issues[0]?.path).toEqual(['seed']);
    expect(trainingPayload.safeParse({ universe: [] }).error?.issues[0]?.path).toEqual(['universe']);
  });
});
