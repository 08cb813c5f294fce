import type { ModelStage } from '@tradeplane/contracts';
import { describe, expect, it } from 'vitest';
import { DECISION_MODEL_NAMES, liveFingerprint, planArms, type ModelVersionRef } from './model-arms';

const v = (name: string, version: number, stage: ModelStage): ModelVersionRef => ({
  name,
  version,
  stage,
  artifactId: `${name}-${version}`,
  runId: null,
});
const production = DECISION_MODEL_NAMES.map((n) => v(n, 1, 'production'));

describe('planArms', () => {
  it('runs every production version, in specialist order then the meta-controller', () => {
    const plan = planArms([...production].reverse());
    expect(plan.production?.models.map((m) => m.name)).toEqual([
      'momentum',
      'mean-reversion',
      'defensive',
      'meta-controller',
    ]);
    expect(plan.production?.key).toBe('momentum@1,mean-reversion@1,defensive@1,meta-controller@1');
    expect(plan.canary).toBeNull();
    expect(plan.shadow).toBeNull();
  });

  it('has no production arm while a name has no production version', () => {
    const plan = planArms(production.filter((m) => m.name !== 'defensive'));
    expect(plan.production).toBeNull();
    expect(plan.missingProduction).toEqual(['defensive']);
  });

  it('builds a canary and a shadow arm from the production set with the staged versions swapped in', () => {
    const plan = planArms([
      ...production,
      v('momentum', 2, 'canary'),
      v('meta-controller', 3, 'shadow'),
      v('defensive', 4, 'staging'),
    ]);
    expect(plan.canary?.key).toBe('momentum@2,mean-reversion@1,defensive@1,meta-controller@1');
    expect(plan.shadow?.key).toBe('momentum@1,mean-reversion@1,defensive@1,meta-controller@3');
    expect(plan.production?.key).toBe('momentum@1,mean-reversion@1,defensive@1,meta-controller@1');
  });
});

describe('liveFingerprint', () => {
  it('changes with a stage move and ignores order and unrelated models', () => {
    const a = liveFingerprint([...production, v('other', 9, 'production')]);
    expect(liveFingerprint([...production].reverse())).toBe(a);
    expect(liveFingerprint([...production, v('momentum', 2, 'staging')])).not.toBe(a);
  });
});
