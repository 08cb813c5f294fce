import type { ModelStage } from '@tradeplane/contracts';
import type { ModelVersionRecord, RegisterVersionInput, RegisteredModelRecord } from '@tradeplane/db';
import { createLogger } from '@tradeplane/platform';
import { describe, expect, it } from 'vitest';
import {
  BOOTSTRAP_DESCRIPTION,
  BOOTSTRAP_EXPERIMENT,
  ensureBootstrapModels,
  type BootstrapDeps,
  type BootstrapTracking,
} from './bootstrap-registration';

/** An in-memory registry and tracking client with the repository's semantics that matter here. */
function fakes() {
  const versions: ModelVersionRecord[] = [];
  const runs: Array<{
    experiment: string;
    tags?: Record<string, string>;
    artifacts: string[];
    ended: boolean;
  }> = [];
  let lock = Promise.resolve();
  const registry: BootstrapDeps['registry'] = {
    async getModel(name) {
      const mine = versions.filter((v) => v.modelName === name).sort((a, b) => b.version - a.version);
      return mine.length ? ({ name, versions: mine } as RegisteredModelRecord) : null;
    },
    async registerVersion(input: RegisterVersionInput) {
      const version =
        Math.max(0, ...versions.filter((v) => v.modelName === input.modelName).map((v) => v.version)) + 1;
      const record = {
        modelName: input.modelName,
        version,
        description: input.description ?? null,
        stage: 'none' as ModelStage,
        runId: input.runId,
      } as ModelVersionRecord;
      versions.push(record);
      return record;
    },
    async moveStage(input) {
      const v = versions.find((x) => x.modelName === input.modelName && x.version === input.version)!;
      const from = v.stage;
      v.stage = input.to;
      return { version: v, from, archived: null };
    },
  };
  const tracking = (): BootstrapTracking => ({
    async startRun(input) {
      runs.push({ experiment: input.experiment, tags: input.tags, artifacts: [], ended: false });
      return { runId: `00000000-0000-4000-8000-00000000000${runs.length}` };
    },
    async logArtifact(_runId, path) {
      runs.at(-1)!.artifacts.push(path);
    },
    async endRun() {
      runs.at(-1)!.ended = true;
    },
    async close() {},
  });
  const deps: BootstrapDeps = {
    registry,
    openTracking: async () => tracking(),
    // A mutex like the advisory lock: callers run one after the other.
    withLock: (work) => {
      const run = lock.then(work);
      lock = run.then(
        () => undefined,
        () => undefined,
      );
      return run;
    },
    log: createLogger('test', 'silent'),
  };
  return { deps, versions, runs };
}

describe('ensureBootstrapModels', () => {
  it('registers the four bootstrap models as version 1 in production from one labelled run', async () => {
    const { deps, versions, runs } = fakes();
    const outcome = await ensureBootstrapModels(deps);
    expect(outcome.promoted).toEqual({
      momentum: 1,
      'mean-reversion': 1,
      defensive: 1,
      'meta-controller': 1,
    });
    expect(runs).toEqual([
      {
        experiment: BOOTSTRAP_EXPERIMENT,
        tags: { label: 'bootstrap', source: 'engine' },
        artifacts: [
          'models/momentum.onnx',
          'models/mean-reversion.onnx',
          'models/defensive.onnx',
          'models/meta-controller.onnx',
        ],
        ended: true,
      },
    ]);
    expect(versions.every((v) => v.stage === 'production' && v.description === BOOTSTRAP_DESCRIPTION)).toBe(
      true,
    );
  });

  it('is idempotent and race-safe: two engines starting at once register once', async () => {
    const { deps, versions, runs } = fakes();
    const [a, b] = await Promise.all([ensureBootstrapModels(deps), ensureBootstrapModels(deps)]);
    expect(versions).toHaveLength(4);
    expect(runs).toHaveLength(1);
    expect([Object.keys(a.promoted).length, Object.keys(b.promoted).length].sort()).toEqual([0, 4]);
    expect((await ensureBootstrapModels(deps)).runId).toBeNull();
  });

  it('fills in only the names without a production version, and promotes a stranded bootstrap version', async () => {
    const { deps, versions, runs } = fakes();
    await ensureBootstrapModels(deps);
    // A trained momentum replaced production; the defensive bootstrap version was never promoted.
    versions.find((v) => v.modelName === 'defensive')!.stage = 'none';
    const outcome = await ensureBootstrapModels(deps);
    expect(outcome).toEqual({ promoted: { defensive: 1 }, runId: null });
    expect(runs).toHaveLength(1);
    versions.find((v) => v.modelName === 'meta-controller')!.stage = 'archived';
    const again = await ensureBootstrapModels(deps);
    expect(again.promoted).toEqual({ 'meta-controller': 2 });
    expect(runs.at(-1)!.artifacts).toEqual(['models/meta-controller.onnx']);
  });
});
