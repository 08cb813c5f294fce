import path from 'node:path';

import { ConfigError, loadConfig } from '@tradeplane/platform';
import { describe, expect, it } from 'vitest';

import { decisionEventsConfigSchema } from '../config';
import { decisionEventsOptions } from './decision-events';

describe('decision events configuration', () => {
  it('defaults to a 10,000-event buffer spilling to .stack/spool, in batches of 500', () => {
    const options = decisionEventsOptions('decisions', loadConfig(decisionEventsConfigSchema, {}));
    expect(options).toMatchObject({
      topic: 'decisions',
      bufferCapacity: 10_000,
      batchMaxEvents: 500,
      batchMaxBytes: 900_000,
      lingerMs: 5,
      backoffMinMs: 100,
      backoffMaxMs: 2_000,
    });
    expect(options.spoolPath).toBe(path.resolve('.stack/spool/events-decisions.jsonl'));
  });

  it('reads the environment and names a bad variable', () => {
    const env = { DECISION_EVENTS_BUFFER: '500', DECISION_EVENTS_SPOOL_DIR: '/var/spool/tp' };
    expect(decisionEventsOptions('decisions', loadConfig(decisionEventsConfigSchema, env))).toMatchObject({
      bufferCapacity: 500,
      spoolPath: '/var/spool/tp/events-decisions.jsonl',
    });
    expect(() => loadConfig(decisionEventsConfigSchema, { DECISION_EVENTS_BUFFER: '0' })).toThrow(
      ConfigError,
    );
    expect(() => loadConfig(decisionEventsConfigSchema, { DECISION_EVENTS_BUFFER: '0' })).toThrow(
      /DECISION_EVENTS_BUFFER/,
    );
  });
});
