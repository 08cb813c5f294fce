import { describe, expect, it } from 'vitest';
import type { TrainingJob, TrainingProgress } from './operations';
import {
  displayState,
  isCancellable,
  latestProgress,
  metricEntries,
  modelVersionHref,
  percent,
  registeredVersions,
} from './trainingJobView';

const progress = (patch: Partial<TrainingProgress> = {}): TrainingProgress => ({
  jobId: '7',
  stage: 'specialists',
  fraction: 0.4,
  epoch: 3,
  message: null,
  metrics: null,
  runId: 'r1',
  at: '2026-01-01T00:00:10Z',
  ...patch,
});

const job = (patch: Partial<TrainingJob> = {}): TrainingJob => ({
  id: '7',
  state: 'active',
  failedReason: null,
  progress: null,
  runId: null,
  modelName: null,
  modelVersion: null,
  modelSet: null,
  versions: [],
  ...patch,
});

describe('latestProgress', () => {
  it('keeps the newer of stored and live progress', () => {
    const stored = progress({ at: '2026-01-01T00:00:20Z', stage: 'backtest' });
    const older = progress({ at: '2026-01-01T00:00:10Z' });
    const newer = progress({ at: '2026-01-01T00:00:30Z', stage: 'export' });
    expect(latestProgress(stored, older)).toBe(stored);
    expect(latestProgress(stored, newer)).toBe(newer);
    expect(latestProgress(null, older)).toBe(older);
    expect(latestProgress(stored, undefined)).toBe(stored);
  });
});

describe('displayState and isCancellable', () => {
  it('shows an end reported live before the list is read again, and no Cancel then', () => {
    expect(displayState(job(), progress({ stage: 'done' }))).toBe('completed');
    expect(isCancellable(job(), progress({ stage: 'done' }))).toBe(false);
    expect(displayState(job(), progress({ stage: 'cancelled' }))).toBe('cancelled');
  });

  it('offers Cancel for waiting, delayed and active jobs only', () => {
    expect(isCancellable(job({ state: 'waiting' }), null)).toBe(true);
    expect(isCancellable(job({ state: 'delayed' }), null)).toBe(true);
    expect(isCancellable(job({ state: 'active' }), progress())).toBe(true);
    expect(isCancellable(job({ state: 'completed' }), null)).toBe(false);
    expect(isCancellable(job({ state: 'failed' }), null)).toBe(false);
  });

  it('calls a job that failed because it was cancelled cancelled', () => {
    expect(displayState(job({ state: 'failed', failedReason: 'Cancelled by a@b' }), null)).toBe('cancelled');
    expect(displayState(job({ state: 'failed', failedReason: 'no bars' }), null)).toBe('failed');
  });
});

describe('percent', () => {
  it('clamps to 0..100 with one decimal', () => {
    expect(percent(0.12345)).toBe(12.3);
    expect(percent(1.7)).toBe(100);
    expect(percent(-1)).toBe(0);
    expect(percent(null)).toBeNull();
    expect(percent(Number.NaN)).toBeNull();
  });
});

describe('metricEntries', () => {
  it('keeps finite numbers, losses first', () => {
    expect(
      metricEntries({ sharpe: 1.2, val_loss: 0.5, note: 'x', train_loss: 0.4, aux_loss: 0.1, bad: null }),
    ).toEqual([
      ['train_loss', 0.4],
      ['val_loss', 0.5],
      ['aux_loss', 0.1],
      ['sharpe', 1.2],
    ]);
    expect(metricEntries(null)).toEqual([]);
  });
});

describe('registeredVersions', () => {
  it('lists every version the job registered, under the engine names', () => {
    const versions = [
      { modelName: 'momentum', version: 4 },
      { modelName: 'meta-controller', version: 5 },
    ];
    expect(registeredVersions(job({ modelName: 'meta-controller', modelVersion: 5, versions }))).toEqual(
      versions,
    );
  });

  it('falls back to the one recorded version of an older job, and to nothing', () => {
    expect(registeredVersions(job({ modelName: 'tradeplane-blend', modelVersion: 3, versions: [] }))).toEqual(
      [{ modelName: 'tradeplane-blend', version: 3 }],
    );
    expect(registeredVersions(job({ versions: [] }))).toEqual([]);
  });
});

describe('modelVersionHref', () => {
  it('links the model, and the version when known', () => {
    expect(modelVersionHref('meta-controller', 3)).toBe('/models?model=meta-controller&version=3');
    expect(modelVersionHref('tradeplane-blend', 3)).toBe('/models?model=tradeplane-blend&version=3');
    expect(modelVersionHref('a b', null)).toBe('/models?model=a+b');
  });
});
