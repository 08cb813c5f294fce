import type { ModelStage } from '@tradeplane/contracts';
import { createLogger } from '@tradeplane/platform';
import { describe, expect, it, vi } from 'vitest';
import {
  bootstrapModelSet,
  DECISION_MODEL_NAMES,
  DEFAULT_MOMENTUM_PARAMS,
  encodeOnnxModel,
  FEATURE_COUNT,
  ModelError,
  type ModelRegistrySource,
  type ModelVersionRef,
  specialistGraph,
} from '@tradeplane/models';
import { ModelCatalog } from './model-catalog';

const log = createLogger('test', 'silent');
const bootstrap = new Map(bootstrapModelSet().map((m) => [m.name as string, m.bytes]));
const momentumV2 = encodeOnnxModel({
  graph: specialistGraph('momentum', { ...DEFAULT_MOMENTUM_PARAMS, bias: 0.8 }),
  modelVersion: 2,
});
const ref = (name: string, version: number, stage: ModelStage): ModelVersionRef => ({
  name,
  version,
  stage,
  artifactId: `${name}@${version}`,
  runId: null,
});
const production = DECISION_MODEL_NAMES.map((n) => ref(n, 1, 'production'));

function fakeRegistry(initial: ModelVersionRef[]) {
  const state = { live: initial, fail: false, rolloutShare: null as number | null };
  const source: ModelRegistrySource = {
    liveState: vi.fn(async () => {
      if (state.fail) throw new Error('database unreachable');
      return { versions: state.live, canaryPercent: state.rolloutShare };
    }),
    load: vi.fn(async (r: ModelVersionRef) => {
      if (r.version === 1) return { bytes: bootstrap.get(r.name)!, label: 'bootstrap' };
      if (r.name === 'momentum' && r.version === 2) return { bytes: momentumV2, label: 'run:abc' };
      return { bytes: new Uint8Array([1, 2, 3]), label: 'broken' };
    }),
  };
  return { state, source };
}

const catalog = (source: ModelRegistrySource, graceMs = 20) =>
  new ModelCatalog(
    source,
    { sessions: { executionProviders: ['cpu'] }, graceMs, defaultCanaryPercent: 5 },
    () => 0,
    log,
  );
const features = new Float32Array(FEATURE_COUNT).fill(0.01);
const uniform = [1 / 3, 1 / 3, 1 / 3];

describe('ModelCatalog', () => {
  it('loads the production versions from the registry, labelled, with the execution provider', async () => {
    const { source } = fakeRegistry(production);
    const models = catalog(source);
    const active = await models.init();
    expect(active.source).toBe('registry');
    expect(active.production.versions).toEqual({
      momentum: 1,
      'mean-reversion': 1,
      defensive: 1,
      'meta-controller': 1,
    });
    expect(active.production.labels.momentum).toBe('bootstrap');
    expect(active.production.set.provider).toBe('cpu');
    expect(models.health()).toContain('momentum@1 (bootstrap)');
    models.stop();
  });

  it('swaps in a new production version atomically and releases the old sessions after the grace period', async () => {
    const { state, source } = fakeRegistry(production);
    const models = catalog(source);
    const before = await models.init();
    const oldBlend = before.production.set.decide(features, uniform).blend;

    expect(await models.sync()).toBe(false); // nothing moved: nothing reloaded
    expect(source.load).toHaveBeenCalledTimes(4);

    state.live = [ref('momentum', 2, 'production'), ...production.slice(1)];
    expect(await models.sync()).toBe(true);
    const after = models.active;
    expect(after).not.toBe(before);
    expect(after.production.versions.momentum).toBe(2);
    expect(after.production.labels.momentum).toBe('run:abc');
    expect(after.production.set.decide(features, uniform).blend).not.toBeCloseTo(oldBlend, 6);
    expect(models.stats.swaps).toBe(1);

    // In-flight work on the old set still runs during the grace period …
    expect(() => before.production.set.decide(features, uniform)).not.toThrow();
    await new Promise((r) => setTimeout(r, 40));
    // … and the sessions are released after it.
    expect(() => before.production.set.decide(features, uniform)).toThrow(ModelError);
    models.stop();
  });

  it('adds a canary arm next to an untouched production set, and leaves a broken one empty', async () => {
    const { state, source } = fakeRegistry(production);
    const models = catalog(source);
    const before = await models.init();
    state.live = [...production, ref('momentum', 2, 'canary'), ref('defensive', 7, 'shadow')];
    await models.sync();
    const active = models.active;
    expect(active.production.set).toBe(before.production.set);
    expect(active.canary?.versions).toMatchObject({ momentum: 2, defensive: 1 });
    expect(active.shadow).toBeNull(); // defensive v7's bytes are not a model
    expect(models.lastError).toMatch(/^shadow /);
    models.stop();
  });

  it('takes the canary share from the active rollout, swapping it in without reloading a session', async () => {
    const { state, source } = fakeRegistry([...production, ref('momentum', 2, 'canary')]);
    const models = catalog(source);
    const before = await models.init();
    expect(before).toMatchObject({ canaryPercent: 5, canaryPercentSource: 'env' });
    expect(models.health()).toContain('at 5% (ENGINE_CANARY_PERCENT)');
    const loads = vi.mocked(source.load).mock.calls.length;

    state.rolloutShare = 25;
    expect(await models.sync()).toBe(true);
    const after = models.active;
    expect(after).not.toBe(before);
    expect(after).toMatchObject({ canaryPercent: 25, canaryPercentSource: 'rollout' });
    // The same sets, nothing read or created again: a share change is a swap of `active` alone.
    expect(after.production.set).toBe(before.production.set);
    expect(after.canary!.set).toBe(before.canary!.set);
    expect(source.load).toHaveBeenCalledTimes(loads);
    expect(models.health()).toContain('at 25% (active rollout)');
    // The old `active` is not retired: its sets are the ones in force.
    await new Promise((r) => setTimeout(r, 40));
    expect(() => before.canary!.set.decide(features, uniform)).not.toThrow();

    // The share is in the fingerprint: unchanged, nothing swaps; a rollout at 5 % is not the env's 5 %.
    expect(await models.sync()).toBe(false);
    state.rolloutShare = 5;
    expect(await models.sync()).toBe(true);
    expect(models.active).toMatchObject({ canaryPercent: 5, canaryPercentSource: 'rollout' });
    // No rollout active any more: ENGINE_CANARY_PERCENT again.
    state.rolloutShare = null;
    expect(await models.sync()).toBe(true);
    expect(models.active).toMatchObject({ canaryPercent: 5, canaryPercentSource: 'env' });
    expect(models.stats.swaps).toBe(3);
    expect(source.load).toHaveBeenCalledTimes(loads);
    models.stop();
  });

  it('serves the built-in bootstrap set while the registry cannot be read, then switches to it', async () => {
    const { state, source } = fakeRegistry(production);
    state.fail = true;
    const models = catalog(source);
    const active = await models.init();
    expect(active.source).toBe('built-in');
    expect(active.production.labels['meta-controller']).toBe('bootstrap');
    expect(models.health()).toContain('built-in');
    state.fail = false;
    expect(await models.sync()).toBe(true);
    expect(models.active.source).toBe('registry');
    models.stop();
  });

  it('keeps the models in force when a production version cannot be loaded or is missing', async () => {
    const { state, source } = fakeRegistry(production);
    const models = catalog(source);
    const before = await models.init();
    state.live = [ref('momentum', 3, 'production'), ...production.slice(1)];
    expect(await models.sync()).toBe(false);
    expect(models.active).toBe(before);
    expect(models.lastError).toMatch(/^production /);
    state.live = production.slice(1);
    expect(await models.sync()).toBe(false);
    expect(models.lastError).toBe('no production version of momentum');
    models.stop();
  });
});
