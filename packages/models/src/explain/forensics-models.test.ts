import type { DecisionEvent } from '@tradeplane/contracts';
import { describe, expect, it } from 'vitest';
import { ModelArtifactError } from '../registry/registry-source';
import { bootstrapModelSet } from '../bootstrap/bootstrap';
import { ModelError } from '../onnx/model-session';
import { ForensicsModelCache } from './forensics-models';

const sessions = { executionProviders: ['cpu' as const] };
const bytes = new Map<string, Uint8Array>(bootstrapModelSet().map((m) => [m.name, m.bytes]));

/** A registry holding every model at versions 1..5 (the bootstrap bytes), counting loads. */
function registry() {
  const loads: string[] = [];
  return {
    loads,
    async loadVersion(name: string, version: number) {
      loads.push(`${name}@${version}`);
      if (version > 5) throw new ModelArtifactError(`${name}@v${version} is not registered`);
      return { bytes: bytes.get(name)!, label: `run:${version}` };
    },
  };
}

function decision(version: number, labels?: Record<string, string>): DecisionEvent {
  const versions = { momentum: version, 'mean-reversion': 1, defensive: 1, 'meta-controller': 1 };
  return { models: { arm: 'production', versions, labels } } as unknown as DecisionEvent;
}

describe('ForensicsModelCache', () => {
  it('loads a version combination once and reuses it', async () => {
    const source = registry();
    const cache = new ForensicsModelCache(source, sessions);
    const a = await cache.forDecision(decision(2));
    const b = await cache.forDecision(decision(2));
    expect(a).toBe(b);
    expect(source.loads.sort()).toEqual([
      'defensive@1',
      'mean-reversion@1',
      'meta-controller@1',
      'momentum@2',
    ]);
    expect(a.models.map((m) => `${m.name}@${m.version}`)).toEqual([
      'momentum@2',
      'mean-reversion@1',
      'defensive@1',
      'meta-controller@1',
    ]);
    await cache.close();
  });

  it('evicts the least recently used set beyond its capacity', async () => {
    const source = registry();
    const cache = new ForensicsModelCache(source, sessions, 2);
    await cache.forDecision(decision(1));
    await cache.forDecision(decision(2));
    await cache.forDecision(decision(1)); // now 2 is the oldest
    await cache.forDecision(decision(3));
    source.loads.length = 0;
    await cache.forDecision(decision(1));
    expect(source.loads).toEqual([]);
    await cache.forDecision(decision(2));
    expect(source.loads).toContain('momentum@2');
    await cache.close();
  });

  it('builds the bootstrap set from code for a decision the engine made with it', async () => {
    const source = registry();
    const cache = new ForensicsModelCache(source, sessions);
    const labels = {
      momentum: 'bootstrap',
      'mean-reversion': 'bootstrap',
      defensive: 'bootstrap',
      'meta-controller': 'bootstrap',
    };
    const set = await cache.forDecision(decision(1, labels));
    expect(source.loads).toEqual([]);
    expect(set.models.every((m) => m.label === 'bootstrap')).toBe(true);
    await cache.close();
  });

  it('rejects with a permanent error for a version not registered, and does not keep the failure', async () => {
    const source = registry();
    const cache = new ForensicsModelCache(source, sessions);
    await expect(cache.forDecision(decision(9))).rejects.toThrow(ModelArtifactError);
    await expect(cache.forDecision(decision(9))).rejects.toThrow('momentum@v9 is not registered');
    expect(source.loads.filter((l) => l === 'momentum@9')).toHaveLength(2);
    const missing = decision(1);
    delete (missing.models.versions as Record<string, number>).defensive;
    await expect(cache.forDecision(missing)).rejects.toThrow(ModelError);
    await cache.close();
  });
});
