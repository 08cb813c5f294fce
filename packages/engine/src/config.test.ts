import { configVariables, ConfigError, REDACTED, redactConfig } from '@tradeplane/platform';
import { describe, expect, it } from 'vitest';

import { envExampleVariables } from '../../../test/env-example';
import { engineProcessConfigSchema, loadEngineConfig } from './config';

describe('engine configuration', () => {
  it('defaults every piece', () => {
    const config = loadEngineConfig({});
    expect(config.engine).toMatchObject({
      ENGINE_HOST: '127.0.0.1',
      ENGINE_PORT: 7070,
      ENGINE_REGIME_TIMEFRAME: '1d',
      ENGINE_CANARY_PERCENT: 5,
      ENGINE_HEARTBEAT_MS: 5000,
      // The latency drill is off unless a drill turns it on.
      ENGINE_FAULT_CANARY_DELAY_MS: 0,
    });
    expect(config).not.toHaveProperty('featureCache'); // vectors are read from memory, no cache tier
    expect(config.models.ENGINE_EXECUTION_PROVIDERS).toBe('cuda,cpu');
    expect(config.apiKeys.API_KEY_REFRESH_S).toBe(30);
    expect(config.kafka.DECISION_EVENTS_TOPIC).toBe('decisions');
    expect(config.events.DECISION_EVENTS_BUFFER).toBe(10_000);
    expect(config.kafka.MARKET_DATA_TOPIC).toBe('market-data');
    expect(config.marketData).toEqual({ ENGINE_BARS_BATCH_MAX: 1_000 });
    expect(config.risk).toMatchObject({
      RISK_MAX_CONCENTRATION: 0.25,
      RISK_SYMBOL_LIMITS: {},
      RISK_ALLOW_UNKNOWN_SYMBOLS: false,
    });
    expect(config.tracking.TRACKING_ARTIFACT_DIR).toBe('.stack/artifacts');
    expect(config.log.LOG_LEVEL).toBe('info');
  });

  it('reads the risk limits as before', () => {
    const config = loadEngineConfig({
      RISK_SYMBOL_LIMITS: 'SPY:0.5, amd:0.05',
      RISK_ALLOW_UNKNOWN_SYMBOLS: 'true',
    });
    expect(config.risk.RISK_SYMBOL_LIMITS).toEqual({ SPY: 0.5, AMD: 0.05 });
    expect(config.risk.RISK_ALLOW_UNKNOWN_SYMBOLS).toBe(true);
  });

  it('names the variable of a bad value', () => {
    expect(() => loadEngineConfig({ ENGINE_PORT: 'seventy' })).toThrow(ConfigError);
    expect(() => loadEngineConfig({ ENGINE_PORT: 'seventy' })).toThrow(/ENGINE_PORT/);
    expect(() => loadEngineConfig({ RISK_SYMBOL_LIMITS: 'SPY' })).toThrow(
      /RISK_SYMBOL_LIMITS: 'SPY' is not SYMBOL:limit/,
    );
    expect(() => loadEngineConfig({ API_KEY_REFRESH_S: '0' })).toThrow(/API_KEY_REFRESH_S/);
    expect(() => loadEngineConfig({ ENGINE_INSTANCE_ID: 'a b' })).toThrow(/ENGINE_INSTANCE_ID/);
    expect(() => loadEngineConfig({ ENGINE_HEARTBEAT_MS: '0' })).toThrow(/ENGINE_HEARTBEAT_MS/);
    expect(() => loadEngineConfig({ ENGINE_FAULT_CANARY_DELAY_MS: '-5' })).toThrow(
      /ENGINE_FAULT_CANARY_DELAY_MS/,
    );
    expect(
      loadEngineConfig({ ENGINE_FAULT_CANARY_DELAY_MS: '250' }).engine.ENGINE_FAULT_CANARY_DELAY_MS,
    ).toBe(250);
  });

  it('redacts the database and Redis URLs in what it logs', () => {
    const env = {
      DATABASE_URL: 'postgresql://engine:pg-pass-1@db:5432/tp',
      REDIS_QUEUE_URL: 'redis://:redis-pass-2@queue:6379',
    };
    const logged = JSON.stringify(redactConfig(engineProcessConfigSchema, loadEngineConfig(env)));
    expect(logged).not.toContain('pg-pass-1');
    expect(logged).not.toContain('redis-pass-2');
    expect(logged).toContain(`"DATABASE_URL":"${REDACTED}"`);
    expect(logged).toContain('"ENGINE_PORT":7070');
  });

  it('reads only variables that .env.example documents', () => {
    const documented = envExampleVariables();
    expect(configVariables(engineProcessConfigSchema).filter((v) => !documented.has(v))).toEqual([]);
  });
});
