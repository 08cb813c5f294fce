import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repoRoot = path.resolve(import.meta.dirname, '../../..');
const daily = path.resolve(repoRoot, '../shared/data/daily');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'tp-cli-'));

/** Runs the real `tradeplane` binary; resolves with exit code, stdout and stderr. */
async function tradeplane(...args: string[]) {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      [path.join(repoRoot, 'apps/cli/bin/tradeplane.js'), ...args],
      {
        cwd: repoRoot,
        timeout: 60_000,
      },
    );
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

// Each test spawns the CLI (tsx start-up) several times: allow for a loaded machine.
describe('tradeplane risk / regime (exact interface, real data)', { timeout: 60_000 }, () => {
  it('risk hrp prints weights, linkage and order as one JSON document', async () => {
    const r = await tradeplane(
      'risk',
      'hrp',
      '--prices',
      path.join(daily, 'stock_prices.csv'),
      '--linkage',
      'ward',
      '--json',
    );
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(['weights', 'linkage', 'order']);
    expect(out.linkage).toBe('ward');
    expect(out.order).toHaveLength(20);
    expect(Object.values(out.weights as Record<string, number>).reduce((a, b) => a + b, 0)).toBeCloseTo(
      1,
      12,
    );
  });

  it('regime fit prints log-likelihood, labelled states, transition matrix and dated probabilities', async () => {
    const r = await tradeplane(
      'regime',
      'fit',
      '--prices',
      path.join(daily, 'spy_prices.csv'),
      '--column',
      'SPY',
      '--seed',
      '7',
      '--json',
    );
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.states.map((s: { label: string }) => s.label)).toEqual(['bull', 'bear', 'sideways']);
    expect(out.transition).toHaveLength(3);
    for (const row of out.transition)
      expect(row.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 9);
    expect(out.probabilities.at(-1).date).toBe('2019-12-09');
    const p = out.probabilities[1000];
    expect(p.bull + p.bear + p.sideways).toBeCloseTo(1, 12);
    expect(Number.isFinite(out.logLikelihood)).toBe(true);
  });

  it('regime disruption reports transitions and both policies', async () => {
    const r = await tradeplane(
      'regime',
      'disruption',
      '--prices',
      path.join(daily, 'spy_prices.csv'),
      '--column',
      'SPY',
      '--json',
    );
    const out = JSON.parse(r.stdout);
    expect(out.transitions).toBeGreaterThanOrEqual(100);
    expect(out.blended).toBeLessThan(out.hardSwitch);
  });

  it('regime disruption --half-life sets the smoothed blend’s EMA; the default is quant’s', async () => {
    const args = ['regime', 'disruption', '--prices', path.join(daily, 'spy_prices.csv'), '--column', 'SPY'];
    const [fast, usual] = await Promise.all([
      tradeplane(...args, '--half-life', '2.5', '--json'),
      tradeplane(...args, '--json'),
    ]);
    const f = JSON.parse(fast.stdout);
    const u = JSON.parse(usual.stdout);
    expect(f.smoothingHalfLife).toBe(2.5);
    expect(u.smoothingHalfLife).toBe(10);
    expect(f.blended).toBe(u.blended);
    expect(f.blendedSmoothed).not.toBe(u.blendedSmoothed);
  });

  it('--half-life outside (0, 260] is refused before any work, naming the option', async () => {
    const prices = path.join(daily, 'spy_prices.csv');
    const cases = await Promise.all(
      ['0', '261', 'abc', ''].map((h) =>
        tradeplane('regime', 'disruption', '--prices', prices, '--column', 'SPY', '--half-life', h),
      ),
    );
    for (const c of cases) {
      expect(c.code).not.toBe(0);
      expect(c.stderr).toMatch(/--half-life <bars>.*> 0 and ≤ 260/);
    }
  });

  it('risk var accepts the weights printed by risk hrp', async () => {
    const hrp = await tradeplane('risk', 'hrp', '--prices', path.join(daily, 'stock_prices.csv'), '--json');
    const weightsFile = path.join(tmp, 'weights.json');
    writeFileSync(weightsFile, hrp.stdout);
    const r = await tradeplane(
      'risk',
      'var',
      '--prices',
      path.join(daily, 'stock_prices.csv'),
      '--weights',
      weightsFile,
      '--level',
      '0.99',
      '--json',
    );
    const out = JSON.parse(r.stdout);
    expect(out.level).toBe(0.99);
    expect(out.historical.cvar).toBeGreaterThanOrEqual(out.historical.var);
    expect(out.parametric.var).toBeGreaterThan(0);
  });

  it('bad input: one line naming the problem and a non-zero exit', async () => {
    const bad = path.join(tmp, 'bad.csv');
    writeFileSync(bad, 'date,A,B\n2020-01-01,1,2\n2020-01-02,1.1,abc\n2020-01-03,1.2,2.2\n');
    const short = path.join(tmp, 'short.csv');
    writeFileSync(short, 'date,SPY\n2020-01-01,1\n2020-01-02,1.1\n');
    const cases = await Promise.all([
      tradeplane('risk', 'hrp', '--prices', path.join(tmp, 'missing.csv'), '--json'),
      tradeplane(
        'regime',
        'fit',
        '--prices',
        path.join(daily, 'spy_prices.csv'),
        '--column',
        'QQQ',
        '--json',
      ),
      tradeplane('regime', 'fit', '--prices', short, '--column', 'SPY', '--json'),
      tradeplane('risk', 'hrp', '--prices', bad, '--json'),
      tradeplane('risk', 'hrp', '--prices', path.join(daily, 'stock_prices.csv'), '--linkage', 'median'),
    ]);
    const [missing, column, rows, cell, linkage] = cases;
    for (const c of cases) {
      expect(c.code).not.toBe(0);
      expect(c.stdout).toBe('');
    }
    expect(missing.stderr).toMatch(/^error: --prices: cannot read .*missing\.csv: no such file\n$/);
    expect(column.stderr).toMatch(/unknown column 'QQQ'/);
    expect(rows.stderr).toMatch(/--column SPY: 2 prices, at least 120 needed/);
    expect(cell.stderr).toMatch(/line 3.*'B'.*abc/);
    expect(linkage.stderr).toMatch(/--linkage.*single, complete, average, ward/);
  });
});
