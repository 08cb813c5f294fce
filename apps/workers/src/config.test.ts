import { configVariables, ConfigError, REDACTED, redactConfig } from '@tradeplane/platform';
import { describe, expect, it } from 'vitest';

import { envExampleVariables } from '../../../test/env-example';
import {
  forensicsProcessConfigSchema,
  loadForensicsConfig,
  loadOutcomesConfig,
  loadWorkersConfig,
  outcomesProcessConfigSchema,
  workersProcessConfigSchema,
} from './config';

describe('workers configuration', () => {
  it('defaults every piece', () => {
    const config = loadWorkersConfig({});
    expect(config.workers).toEqual({
      WORKERS_METRICS_PORT: 9464,
      WORKERS_CONCURRENCY: 2,
      WORKERS_TRAINING_CONCURRENCY: 1,
    });
    expect(config.forensics).toMatchObject({ FORENSICS_ENABLED: true, FORENSICS_DLQ_TOPIC: 'decisions.dlq' });
    expect(config.marketData).toEqual({
      MARKET_DATA_PERSISTER_ENABLED: true,
      MARKET_DATA_GROUP_ID: 'tradeplane-bars-persister',
      MARKET_DATA_DLQ_TOPIC: 'market-data.dlq',
    });
    expect(config.kafka.MARKET_DATA_TOPIC).toBe('market-data');
    expect(config.models.ENGINE_EXECUTION_PROVIDERS).toBe('cuda,cpu');
    expect(config.kafka.DECISION_EVENTS_TOPIC).toBe('decisions');
    expect(loadForensicsConfig({}).forensics.FORENSICS_METRICS_PORT).toBe(9465);
    expect(config.outcomes).toEqual({
      OUTCOMES_ENABLED: true,
      OUTCOME_GROUP_ID: 'tradeplane-outcomes',
      OUTCOME_DLQ_TOPIC: 'decisions.outcomes.dlq',
      OUTCOME_COST_BPS: 5,
      OUTCOME_SWEEP_S: 5,
      OUTCOME_SUBSCRIPTION_SAMPLE: 10,
      OUTCOME_METRICS_PORT: 9466,
    });
    expect(config.rollouts).toEqual({
      ROLLOUT_CONTROLLER_ENABLED: true,
      ROLLOUT_TICK_MS: 1000,
      ROLLOUT_LEASE_MS: 10_000,
      ROLLOUT_CRASH_STALE_MS: 30_000,
      ROLLOUT_SNAPSHOT_EVERY_MS: 30_000,
    });
  });

  it('names the variable of a bad value', () => {
    expect(() => loadWorkersConfig({ FORENSICS_ENABLED: 'yes' })).toThrow(ConfigError);
    expect(() => loadWorkersConfig({ FORENSICS_ENABLED: 'yes' })).toThrow(/FORENSICS_ENABLED/);
    expect(() => loadWorkersConfig({ MARKET_DATA_PERSISTER_ENABLED: '1' })).toThrow(
      /MARKET_DATA_PERSISTER_ENABLED/,
    );
    expect(() => loadForensicsConfig({ FORENSICS_MODEL_SETS: '0' })).toThrow(/FORENSICS_MODEL_SETS/);
    expect(() => loadOutcomesConfig({ OUTCOME_COST_BPS: '-1' })).toThrow(/OUTCOME_COST_BPS/);
    expect(() => loadWorkersConfig({ ROLLOUT_TICK_MS: '10' })).toThrow(/ROLLOUT_TICK_MS/);
  });

  it('redacts the connection URLs', () => {
    const env = { DATABASE_URL: 'postgresql://w:pg-pass-5@db:5432/tp' };
    const logged = JSON.stringify(redactConfig(workersProcessConfigSchema, loadWorkersConfig(env)));
    expect(logged).not.toContain('pg-pass-5');
    expect(logged).toContain(`"REDIS_QUEUE_URL":"${REDACTED}"`);
  });

  it('reads only variables that .env.example documents', () => {
    const documented = envExampleVariables();
    for (const schema of [
      workersProcessConfigSchema,
      forensicsProcessConfigSchema,
      outcomesProcessConfigSchema,
    ])
      expect(configVariables(schema).filter((v) => !documented.has(v))).toEqual([]);
  });
});
