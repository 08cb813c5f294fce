import { Writable } from 'node:stream';

import { describe, expect, it } from 'vitest';
import { z } from 'zod';

import { createLogger } from '../logging';
import { composeConfig, ConfigError, dbConfigSchema, loadConfig, logConfigSchema } from './env';
import { configVariables, isSecret, REDACTED, redactConfig, secret } from './secret';
import { logEffectiveConfig } from './startup';

const PASSWORD_URL = 'postgresql://app:s3cret-pw@db.internal:5432/tradeplane';

const sample = composeConfig({
  db: dbConfigSchema,
  log: logConfigSchema,
  extra: z.object({
    TOKEN: secret(z.string().min(4).optional()),
    DESCRIBED: secret(z.string().default('hidden-default')).describe('marked, then described'),
  }),
});

/** Every line the logger writes, parsed. */
function captured() {
  const lines: Array<Record<string, unknown>> = [];
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      raw.push(chunk.toString());
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { lines, raw, logger: createLogger('config-test', 'info', stream) };
}

describe('composeConfig', () => {
  it('parses every piece from the one environment, with its defaults', () => {
    const config = loadConfig(sample, { DATABASE_POOL_MAX: '4', TOKEN: 'tok-1234' });
    expect(config.db.DATABASE_URL).toBe('postgresql://tradeplane:tradeplane@127.0.0.1:55432/tradeplane');
    expect(config.extra).toEqual({ TOKEN: 'tok-1234', DESCRIBED: 'hidden-default' });
    expect(config.db.DATABASE_POOL_MAX).toBe(4);
    expect(config.log.LOG_LEVEL).toBe('info');
  });

  it('names every bad variable, not the piece it sits in', () => {
    let error: unknown;
    try {
      loadConfig(sample, { DATABASE_POOL_MAX: '0', LOG_LEVEL: 'loud' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).code).toBe('CONFIG_INVALID');
    expect((error as Error).message).toMatch(/^ {2}DATABASE_POOL_MAX: /m);
    expect((error as Error).message).toMatch(/^ {2}LOG_LEVEL: /m);
    expect((error as Error).message).not.toMatch(/db\.|log\./);
  });

  it('refuses two pieces declaring one variable', () => {
    expect(() =>
      composeConfig({ db: dbConfigSchema, again: z.object({ DATABASE_URL: z.string() }) }),
    ).toThrow('DATABASE_URL is declared by both the db and the again piece');
  });

  it('lists the variables it reads', () => {
    expect(configVariables(sample)).toEqual([
      'DATABASE_URL',
      'DATABASE_POOL_MAX',
      'LOG_LEVEL',
      'TOKEN',
      'DESCRIBED',
    ]);
  });
});

describe('secrets', () => {
  it('finds the mark under defaults, optionals and a later describe()', () => {
    const { db, extra } = (sample.out as z.ZodObject).shape as Record<string, z.ZodObject>;
    expect(isSecret(db!.shape.DATABASE_URL as z.ZodType)).toBe(true);
    expect(isSecret(db!.shape.DATABASE_POOL_MAX as z.ZodType)).toBe(false);
    expect(isSecret(extra!.shape.TOKEN as z.ZodType)).toBe(true);
    expect(isSecret(extra!.shape.DESCRIBED as z.ZodType)).toBe(true);
  });

  it('redacts every secret field and nothing else; an unset secret stays unset', () => {
    const config = loadConfig(sample, { DATABASE_URL: PASSWORD_URL });
    expect(redactConfig(sample, config)).toEqual({
      ...config,
      db: { DATABASE_URL: REDACTED, DATABASE_POOL_MAX: 10 },
      extra: { TOKEN: undefined, DESCRIBED: REDACTED },
    });
    expect(redactConfig(dbConfigSchema, config.db)).toEqual({
      DATABASE_URL: REDACTED,
      DATABASE_POOL_MAX: 10,
    });
  });

  it('never writes a secret into the effective-configuration log line', () => {
    const config = loadConfig(sample, { DATABASE_URL: PASSWORD_URL, TOKEN: 'tok-abcdef' });
    const { lines, raw, logger } = captured();
    logEffectiveConfig(logger, sample, config);
    expect(lines).toHaveLength(1);
    expect(lines[0]!.msg).toBe('effective configuration');
    expect(lines[0]!.config).toMatchObject({
      db: { DATABASE_URL: REDACTED },
      extra: { TOKEN: REDACTED },
      log: { LOG_LEVEL: 'info' },
    });
    for (const secretValue of ['s3cret-pw', 'tok-abcdef', 'hidden-default'])
      expect(raw[0]).not.toContain(secretValue);
  });
});
