import { describe, expect, it } from 'vitest';
import { probe, publicDetail, publicHealthReport } from './probe';

describe('health details', () => {
  it('keeps a failure short, first line only, without paths', async () => {
    const err = new Error(
      "ENOENT: no such file or directory, open '/root/tradeplane/models/momentum.onnx'\n    at open (node:fs:1:1)",
    );
    const down = await probe('models', async () => {
      throw err;
    });
    expect(down).toMatchObject({ state: 'down' });
    expect(down.detail).not.toMatch(/\/root|\n|at open/);
    expect(down.detail).toContain('ENOENT');
  });

  it('names a system error by its code', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    expect((await probe('postgres', () => Promise.reject(refused))).detail).toBe('ECONNREFUSED');
  });

  it('strips paths from up details and from every string of a report', async () => {
    expect((await probe('spool', async () => 'spilling to /tmp/tradeplane-spool-x1/, fine')).detail).toBe(
      'spilling to …, fine',
    );
    expect(publicDetail('C:\\Users\\me\\app\\x.js failed')).toBe('… failed');
    expect(publicDetail('x'.repeat(1000)).length).toBeLessThanOrEqual(600);
    const report = publicHealthReport({
      ok: true,
      components: [],
      models: { fallbacks: ['cuda: libcudart.so not found in /usr/local/cuda/lib64'] },
    });
    expect(JSON.stringify(report)).not.toContain('/usr/local');
  });
});
