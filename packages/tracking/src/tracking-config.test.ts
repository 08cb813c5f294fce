import { mkdtemp, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

import { trackingClient, trackingConfigSchema } from './tracking-config';
import type { TrackingWriter } from './tracking-client';

const unusedRepository = {} as TrackingWriter;

describe('trackingClient', () => {
  it('defaults both directories under .stack/', () => {
    expect(trackingConfigSchema.parse({})).toEqual({
      TRACKING_ARTIFACT_DIR: '.stack/artifacts',
      TRACKING_SPOOL_DIR: '.stack/spool',
    });
  });

  it('opens the spool <TRACKING_SPOOL_DIR>/<writer>.jsonl', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'tp-tracking-env-'));
    const client = await trackingClient({
      config: trackingConfigSchema.parse({
        TRACKING_SPOOL_DIR: path.join(dir, 'spool'),
        TRACKING_ARTIFACT_DIR: path.join(dir, 'artifacts'),
      }),
      repository: unusedRepository,
      writer: 'workers',
      owner: 'tester',
    });
    expect((await stat(path.join(dir, 'spool', 'workers.jsonl'))).isFile()).toBe(true);
    await client.close();
  });

  it('refuses a writer name that is not a plain file name', async () => {
    await expect(
      trackingClient({
        config: trackingConfigSchema.parse({}),
        repository: unusedRepository,
        writer: '../etc',
        owner: 'tester',
      }),
    ).rejects.toMatchObject({ code: 'TRACKING_INVALID_INPUT', field: 'writer' });
  });
});
