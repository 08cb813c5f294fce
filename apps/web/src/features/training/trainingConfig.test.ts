import { describe, expect, it } from 'vitest';
import { trainingPayload } from '@tradeplane/contracts';
import {
  checkTrainingForm,
  DEFAULT_TRAINING_FORM,
  isIsoDate,
  parseSymbols,
  trainingFieldOf,
  type TrainingFormValues,
} from './trainingConfig';

const form = (patch: Partial<TrainingFormValues>): TrainingFormValues => ({
  ...DEFAULT_TRAINING_FORM,
  ...patch,
});

describe('checkTrainingForm', () => {
  it('accepts the defaults and sends them as the gateway documents them', () => {
    const check = checkTrainingForm(DEFAULT_TRAINING_FORM);
    expect(check.ok).toBe(true);
    if (!check.ok) return;
    expect(check.config).toEqual({
      market: 'SPY',
      universe: null,
      splits: {
        trainFrom: '1994-01-01',
        trainTo: '2005-12-31',
        validationFrom: '2006-01-01',
        validationTo: '2011-12-31',
        testFrom: '2012-01-01',
        testTo: '2018-12-31',
      },
      seed: 42,
      costBps: 5,
      modelName: null,
      experiment: null,
    });
  });

  it('upper-cases and de-duplicates the universe, and trims names', () => {
    const check = checkTrainingForm(
      form({ market: ' qqq ', universe: 'spy, tlt  gld,SPY', modelName: ' blend-2 ', experiment: ' x ' }),
    );
    expect(check.ok && check.config).toMatchObject({
      market: 'QQQ',
      universe: ['SPY', 'TLT', 'GLD'],
      modelName: 'blend-2',
      experiment: 'x',
    });
  });

  it('rejects a period that ends before it starts, at its end date', () => {
    const check = checkTrainingForm(form({ trainFrom: '2006-01-01', trainTo: '2005-12-31' }));
    expect(check.ok).toBe(false);
    expect(check.errors.trainTo).toMatch(/end on or after/);
  });

  it('rejects overlapping periods, at the later start', () => {
    const check = checkTrainingForm(form({ validationFrom: '2005-12-31' }));
    expect(check.errors.validationFrom).toMatch(/start after train ends \(2005-12-31\)/);
    const test = checkTrainingForm(form({ testFrom: '2011-06-01' }));
    expect(test.errors.testFrom).toMatch(/start after validation ends/);
  });

  it('accepts adjacent periods (inclusive dates, next day starts the next period)', () => {
    expect(checkTrainingForm(form({ trainTo: '2005-12-31', validationFrom: '2006-01-01' })).ok).toBe(true);
    expect(checkTrainingForm(form({ testFrom: '2012-01-01', testTo: '2012-01-01' })).ok).toBe(true);
  });

  it('rejects dates that are not real YYYY-MM-DD days', () => {
    const check = checkTrainingForm(form({ testTo: '2018-02-30', trainFrom: '' }));
    expect(check.errors.testTo).toBeDefined();
    expect(check.errors.trainFrom).toBeDefined();
  });

  it.each(['-1', '1.5', 'abc', '', '9007199254740993'])('rejects the seed %j', (seed) => {
    expect(checkTrainingForm(form({ seed })).errors.seed).toBeDefined();
  });

  it('accepts seed 0 and zero or fractional costs', () => {
    expect(checkTrainingForm(form({ seed: '0', costBps: '0' })).ok).toBe(true);
    const check = checkTrainingForm(form({ costBps: '2.5' }));
    expect(check.ok && check.config.costBps).toBe(2.5);
  });

  it.each(['-0.1', '', 'x', 'Infinity'])('rejects the costs %j', (costBps) => {
    expect(checkTrainingForm(form({ costBps })).errors.costBps).toBeDefined();
  });

  it('rejects a missing market, bad symbols and model names the registry refuses', () => {
    const check = checkTrainingForm(form({ market: '', universe: 'SPY, $$$', modelName: 'Blend_v2' }));
    expect(check.errors).toMatchObject({
      market: expect.any(String),
      universe: expect.stringContaining('$$$'),
      modelName: expect.any(String),
    });
  });
});

describe('parseSymbols', () => {
  it('splits on commas, semicolons and spaces and drops blanks', () => {
    expect(parseSymbols(' a,, b ;c\nbrk.b ')).toEqual(['A', 'B', 'C', 'BRK.B']);
    expect(parseSymbols('   ')).toEqual([]);
  });
});

describe('isIsoDate', () => {
  it('knows leap years', () => {
    expect(isIsoDate('2012-02-29')).toBe(true);
    expect(isIsoDate('2011-02-29')).toBe(false);
    expect(isIsoDate('2011-2-1')).toBe(false);
  });
});

describe('trainingFieldOf', () => {
  it.each([
    ['config.splits.testFrom', 'testFrom'],
    ['splits.validationTo', 'validationTo'],
    ['config.universe[2]', 'universe'],
    ['universe.1', 'universe'],
    ['config.seed', 'seed'],
    ['costBps', 'costBps'],
    ['config.splits', 'trainFrom'],
    ['config.unknown', null],
    [undefined, null],
  ] as const)('%s → %s', (path, field) => {
    expect(trainingFieldOf(path)).toBe(field);
  });
});

describe('checks of the console', () => {
  // What the workers' payload schema accepts must pass here, and what it refuses must not.
  it.each<[string, Partial<TrainingFormValues>]>([
    ['defaults', {}],
    ['universe', { universe: 'spy qqq tlt' }],
    ['dotted and index symbols', { market: '^gspc', universe: 'brk.b, bf-b' }],
    ['a one-day test window', { testFrom: '2012-01-01', testTo: '2012-01-01' }],
    ['train ends the day before validation starts', { trainTo: '2005-12-31', validationFrom: '2006-01-01' }],
    ['train starts after it ends', { trainFrom: '2006-01-01' }],
    ['validation overlaps train', { validationFrom: '2005-12-31' }],
    ['test overlaps validation', { testFrom: '2011-12-31' }],
    ['a negative seed', { seed: '-1' }],
    ['the largest seed', { seed: String(2 ** 31 - 1) }],
    ['a seed too large', { seed: String(2 ** 31) }],
    ['zero costs', { costBps: '0' }],
    ['negative costs', { costBps: '-1' }],
    ['costs too high', { costBps: '1001' }],
    ['a model name', { modelName: 'blend-2' }],
    ['a model name with capitals', { modelName: 'Blend' }],
    ['a model name with an underscore', { modelName: 'blend_2' }],
    ['a symbol too long', { universe: 'ABCDEFGHIJKLMNOPQ' }],
    ['a long experiment', { experiment: 'x'.repeat(201) }],
  ])('agree with trainingPayload on %s', (_name, patch) => {
    const v = form(patch);
    const server = trainingPayload.safeParse({
      market: v.market,
      universe: parseSymbols(v.universe).length > 0 ? parseSymbols(v.universe) : undefined,
      splits: {
        trainFrom: v.trainFrom,
        trainTo: v.trainTo,
        validationFrom: v.validationFrom,
        validationTo: v.validationTo,
        testFrom: v.testFrom,
        testTo: v.testTo,
      },
      seed: Number(v.seed),
      costBps: Number(v.costBps),
      modelName: v.modelName || undefined,
      experiment: v.experiment || undefined,
    });
    expect(checkTrainingForm(v).ok).toBe(server.success);
  });
});
