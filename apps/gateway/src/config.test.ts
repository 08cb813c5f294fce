import { Writable } from 'node:stream';

import { configVariables, ConfigError, createLogger, logEffectiveConfig } from '@tradeplane/platform';
import { describe, expect, it } from 'vitest';

import { envExampleVariables } from '../../../test/env-example';
import { DEFAULT_ENGINE_API_KEY, gatewayProcessConfigSchema, loadGatewayConfig } from './config';

const OWN_KEY = 'tp_prod_gateway_key_0123456789abcdef';

describe('gateway configuration', () => {
  it('defaults every piece', () => {
    const config = loadGatewayConfig({});
    expect(config.gateway).toMatchObject({
      NODE_ENV: 'development',
      GATEWAY_PORT: 4000,
      ENGINE_API_KEY: DEFAULT_ENGINE_API_KEY,
      COOKIE_SECURE: false,
    });
    expect(config.gateway.ADMIN_PASSWORD).toBeUndefined();
    expect(config.apiKeys.API_KEY_REFRESH_S).toBe(30);
    expect(config.kafka.DECISION_EVENTS_TOPIC).toBe('decisions');
    expect(config.decisionStream).toEqual({
      DECISION_MIRROR_SIZE: 2_000,
      DECISION_MIRROR_TTL_S: 86_400,
      DECISION_SAMPLE_PER_S: 10,
    });
    expect(config.forensicsLookup.FORENSICS_PENDING_GRACE_S).toBe(30);
  });

  it('names the variable of a bad value', () => {
    expect(() => loadGatewayConfig({ ENGINE_API_KEY: 'short' })).toThrow(ConfigError);
    expect(() => loadGatewayConfig({ ENGINE_API_KEY: 'short' })).toThrow(/ENGINE_API_KEY/);
    expect(() => loadGatewayConfig({ DECISION_MIRROR_TTL_S: '10' })).toThrow(/DECISION_MIRROR_TTL_S/);
  });

  it('refuses the default ENGINE_API_KEY when NODE_ENV=production', () => {
    expect(() => loadGatewayConfig({ NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => loadGatewayConfig({ NODE_ENV: 'production' })).toThrow(
      /ENGINE_API_KEY: is the published development default/,
    );
    expect(() =>
      loadGatewayConfig({ NODE_ENV: 'production', ENGINE_API_KEY: DEFAULT_ENGINE_API_KEY }),
    ).toThrow(/ENGINE_API_KEY/);
    expect(
      loadGatewayConfig({ NODE_ENV: 'production', ENGINE_API_KEY: OWN_KEY }).gateway.ENGINE_API_KEY,
    ).toBe(OWN_KEY);
    expect(loadGatewayConfig({ NODE_ENV: 'test' }).gateway.ENGINE_API_KEY).toBe(DEFAULT_ENGINE_API_KEY);
  });

  it('logs its effective configuration without a secret in the line', () => {
    const env = {
      DATABASE_URL: 'postgresql://gw:pg-pass-3@db:5432/tp',
      ENGINE_API_KEY: OWN_KEY,
      ADMIN_PASSWORD: 'admin-pass-4',
    };
    let line = '';
    const logger = createLogger(
      'gateway',
      'info',
      new Writable({
        write(chunk: Buffer, _enc, done) {
          line += chunk.toString();
          done();
        },
      }),
    );
    logEffectiveConfig(logger, gatewayProcessConfigSchema, loadGatewayConfig(env));
    expect(line.trim().split('\n')).toHaveLength(1);
    for (const secret of ['pg-pass-3', OWN_KEY, 'admin-pass-4']) expect(line).not.toContain(secret);
    expect(JSON.parse(line).config.gateway).toMatchObject({
      ENGINE_API_KEY: '[redacted]',
      ADMIN_PASSWORD: '[redacted]',
      ADMIN_EMAIL: 'admin@tradeplane.local',
    });
  });

  it('reads only variables that .env.example documents', () => {
    const documented = envExampleVariables();
    expect(configVariables(gatewayProcessConfigSchema).filter((v) => !documented.has(v))).toEqual([]);
  });
});
