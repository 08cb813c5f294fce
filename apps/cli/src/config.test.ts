import { configVariables, ConfigError, REDACTED, redactConfig } from '@tradeplane/platform';
import { describe, expect, it } from 'vitest';

import { envExampleVariables } from '../../../test/env-example';
import { cliConfigSchema, loadCliConfig } from './config';

describe('cli configuration', () => {
  it('defaults the connections; TP_NEW_PASSWORD is optional', () => {
    const config = loadCliConfig({});
    expect(config.db.DATABASE_URL).toBe('postgresql://tradeplane:tradeplane@127.0.0.1:55432/tradeplane');
    expect(config.redis.REDIS_QUEUE_URL).toBe('redis://127.0.0.1:56379');
    expect(config.tracking.TRACKING_SPOOL_DIR).toBe('.stack/spool');
    expect(config.commands.TP_NEW_PASSWORD).toBeUndefined();
  });

  it('names the variable of a bad value', () => {
    expect(() => loadCliConfig({ DATABASE_URL: 'not a url' })).toThrow(ConfigError);
    expect(() => loadCliConfig({ DATABASE_URL: 'not a url' })).toThrow(/DATABASE_URL/);
  });

  it('redacts TP_NEW_PASSWORD', () => {
    const config = loadCliConfig({ TP_NEW_PASSWORD: 'new-user-pass-6' });
    expect(config.commands.TP_NEW_PASSWORD).toBe('new-user-pass-6');
    expect(redactConfig(cliConfigSchema, config)).toMatchObject({ commands: { TP_NEW_PASSWORD: REDACTED } });
  });

  it('reads only variables that .env.example documents', () => {
    const documented = envExampleVariables();
    expect(configVariables(cliConfigSchema).filter((v) => !documented.has(v))).toEqual([]);
  });
});
