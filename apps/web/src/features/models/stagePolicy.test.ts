import { describe, expect, it } from 'vitest';
import { rolesForStageMove as contractPolicy } from '@tradeplane/contracts';
import { MODEL_STAGES, allowedTargets, rolesForStageMove } from './stagePolicy';

describe('stage policy of the console', () => {
  it('is the policy the gateway enforces, for every pair of stages', () => {
    for (const from of MODEL_STAGES) {
      for (const to of MODEL_STAGES) expect(rolesForStageMove(from, to)).toEqual(contractPolicy(from, to));
    }
  });

  it('offers a quant staging, shadow and archive but never canary or production', () => {
    expect(allowedTargets('none', 'quant')).toEqual(['staging', 'shadow', 'archived']);
    expect(allowedTargets('staging', 'quant')).toEqual(['shadow', 'archived']);
    expect(allowedTargets('production', 'quant')).toEqual([]);
  });

  it('offers a pm or admin every other stage, and a viewer nothing', () => {
    expect(allowedTargets('staging', 'pm')).toEqual(['shadow', 'canary', 'production', 'archived']);
    expect(allowedTargets('production', 'admin')).toEqual(['staging', 'shadow', 'canary', 'archived']);
    expect(allowedTargets('staging', 'viewer')).toEqual([]);
    expect(allowedTargets('staging', null)).toEqual([]);
  });
});
