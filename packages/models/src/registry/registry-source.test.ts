import type { Repositories } from '@tradeplane/db';
import { ArtifactStoreError, sha256Of } from '@tradeplane/tracking';
import { describe, expect, it } from 'vitest';
import { bootstrapModelSet } from '../bootstrap/bootstrap';
import { registryModelSource } from './registry-source';

const momentum = bootstrapModelSet()[0]!;

function source(stored: Map<string, Uint8Array>, sha256: string, activeShare: number | null = null) {
  const repos = {
    rollouts: { active: async () => (activeShare === null ? null : { canaryPercent: activeShare }) },
    registry: {
      getModel: async (name: string) => ({
        name,
        versions: [
          { modelName: name, version: 2, stage: 'production', artifactId: 'a2', runId: 'r2' },
          { modelName: name, version: 1, stage: 'archived', artifactId: 'a1', runId: 'r1' },
        ],
      }),
    },
    runQueries: {
      artifact: async (id: string) => ({ id, sha256 }),
      getRun: async (id: string) => ({ id, tags: id === 'r2' ? { label: 'bootstrap' } : {} }),
    },
  } as unknown as Pick<Repositories, 'registry' | 'runQueries' | 'rollouts'>;
  const artifacts = {
    async get(hash: string) {
      const bytes = stored.get(hash);
      if (!bytes) throw new ArtifactStoreError('ARTIFACT_NOT_FOUND', `sha256 ${hash}: no such artifact`);
      return bytes;
    },
  };
  return registryModelSource(repos, artifacts);
}

describe('registryModelSource', () => {
  it('lists live versions only and reads the bytes with the run label', async () => {
    const src = source(new Map([[sha256Of(momentum.bytes), momentum.bytes]]), sha256Of(momentum.bytes));
    const { versions: live, canaryPercent } = await src.liveState(['momentum']);
    expect(canaryPercent).toBeNull();
    expect(live).toEqual([
      { name: 'momentum', version: 2, stage: 'production', artifactId: 'a2', runId: 'r2' },
    ]);
    expect(await src.load(live[0]!)).toEqual({ bytes: momentum.bytes, label: 'bootstrap' });
  });

  it('reads the canary share of the active rollout with the versions', async () => {
    const src = source(new Map(), sha256Of(momentum.bytes), 25);
    expect((await src.liveState(['momentum'])).canaryPercent).toBe(25);
  });

  it('rebuilds a lost bootstrap file from code (same sha256), and fails for any other lost file', async () => {
    const lost = source(new Map(), sha256Of(momentum.bytes));
    const [ref] = (await lost.liveState(['momentum'])).versions;
    expect((await lost.load(ref!)).bytes).toEqual(momentum.bytes);
    const other = source(new Map(), 'f'.repeat(64));
    await expect(other.load(ref!)).rejects.toThrow(/no such artifact/);
  });
});
