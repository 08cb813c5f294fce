/**
 * npm run bench:quant — the quant core on real data, with reference implementations run
 * side by side when Python is available (PyPortfolioOpt for HRP, hmmlearn for the HMM),
 * installed from PyPI into a throwaway virtual environment outside the repository.
 *
 *   HRP on the 20-stock universe (7,126 days), each linkage; PyPortfolioOpt on the same CSV:
 *     time ratio and max |weight difference|.
 *   HMM fit on SPY (6,745 observations) with the production options; then EM from the SAME
 *     initial parameters for the same number of iterations in both: time ratio and the
 *     log-likelihood difference of the final parameters.
 *   Forward filter cost per bar (incremental, as live trading runs it).
 * Prints one JSON object on the last line.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  createRegimeFilter,
  fitGaussianHmm,
  hmmLogLikelihood,
  hrp,
  regimeObservations,
  simpleReturns,
  type HmmParams,
  type LinkageMethod,
} from '../src';
import { loadSpy } from '../src/features/testing/real-data';
import { loadWidePrices, resolveDataFile } from '../src/testing/wide-prices';

const log = (msg: string) => console.error(`[bench:quant] ${msg}`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;
function timeIt<T>(repeats: number, fn: () => T): { ms: number; result: T } {
  let result!: T;
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    result = fn();
    times.push(performance.now() - t0);
  }
  return { ms: median(times), result };
}

/** A simple documented start shared by both EM runs: terciles of volatility. */
function tercileInit(obs: Float64Array[]): HmmParams {
  const byVol = [...obs].sort((a, b) => a[1]! - b[1]!);
  const third = Math.floor(byVol.length / 3);
  const groups = [byVol.slice(0, third), byVol.slice(third, 2 * third), byVol.slice(2 * third)];
  const mean = (g: Float64Array[], d: number) => g.reduce((s, o) => s + o[d]!, 0) / g.length;
  const variance = (g: Float64Array[], d: number) => {
    const m = mean(g, d);
    return g.reduce((s, o) => s + (o[d]! - m) ** 2, 0) / g.length;
  };
  return {
    pi: [1 / 3, 1 / 3, 1 / 3],
    transition: [0, 1, 2].map((i) => [0, 1, 2].map((j) => (i === j ? 0.9 : 0.05))),
    means: groups.map((g) => [mean(g, 0), mean(g, 1)]),
    vars: groups.map((g) => [variance(g, 0), variance(g, 1)]),
  };
}

function pythonReference(request: object): Record<string, any> | { skipped: string } {
  const venv = path.join(os.tmpdir(), 'tradeplane-bench-venv');
  const python = path.join(venv, 'bin/python');
  try {
    if (!existsSync(python)) {
      log(`creating a throwaway Python environment in ${venv}`);
      execFileSync('python3', ['-m', 'venv', venv], { stdio: 'ignore' });
    }
    execFileSync(python, ['-c', 'import pypfopt, hmmlearn'], { stdio: 'ignore' });
  } catch {
    try {
      log('installing PyPortfolioOpt and hmmlearn from PyPI (reference only)');
      execFileSync(
        path.join(venv, 'bin/pip'),
        ['install', '-q', '--disable-pip-version-check', 'PyPortfolioOpt', 'hmmlearn', 'packaging'],
        {
          stdio: 'ignore',
          timeout: 300_000,
        },
      );
    } catch (err) {
      return { skipped: `reference install failed: ${(err as Error).message.split('\n')[0]}` };
    }
  }
  const run = spawnSync(python, [path.join(import.meta.dirname, 'reference.py')], {
    input: JSON.stringify(request),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 600_000,
  });
  if (run.status !== 0)
    return { skipped: `reference run failed: ${run.stderr.split('\n').slice(-3).join(' ')}` };
  return JSON.parse(run.stdout) as Record<string, any>;
}

const stocks = loadWidePrices('daily/stock_prices.csv');
const returns = simpleReturns(stocks);
const linkages: LinkageMethod[] = ['single', 'complete', 'average', 'ward'];
const hrpTimes = Object.fromEntries(linkages.map((l) => [l, timeIt(20, () => hrp(returns, { linkage: l }))]));
log(`HRP single: ${round(hrpTimes.single!.ms)} ms`);

const spy = loadSpy();
const { obs } = regimeObservations(spy.bars.close);
const production = timeIt(3, () => fitGaussianHmm(obs, { seed: 42 }));
log(`HMM fit (5 restarts): ${round(production.ms)} ms, log-likelihood ${production.result.logLikelihood}`);

const ITERATIONS = 100;
const init = tercileInit(obs);
const sameStart = timeIt(3, () => fitGaussianHmm(obs, { init, maxIter: ITERATIONS, tol: 0 }));
const tsLogLik = hmmLogLikelihood(obs, sameStart.result.params);

const filterRuns = timeIt(20, () => {
  const filter = createRegimeFilter(production.result.params);
  for (const ob of obs) filter.update(ob);
  return obs.length;
});
const filterPerBarMs = filterRuns.ms / obs.length;

log('running the Python reference implementations');
const ref = pythonReference({
  pricesCsv: resolveDataFile('daily/stock_prices.csv'),
  linkage: 'single',
  repeats: 20,
  obs: obs.map((o) => Array.from(o)),
  init,
  iterations: ITERATIONS,
  hmmRepeats: 3,
});

const result: Record<string, unknown> = {
  benchmark: 'quant',
  hrp_assets: stocks.columns.length,
  hrp_days: stocks.dates.length,
  hrp_single_ms: round(hrpTimes.single!.ms),
  hrp_complete_ms: round(hrpTimes.complete!.ms),
  hrp_average_ms: round(hrpTimes.average!.ms),
  hrp_ward_ms: round(hrpTimes.ward!.ms),
  hmm_observations: obs.length,
  hmm_fit_ms: round(production.ms),
  hmm_fit_restarts: 5,
  hmm_log_likelihood: production.result.logLikelihood,
  hmm_same_start_ms: round(sameStart.ms),
  hmm_same_start_iterations: sameStart.result.iterations,
  hmm_same_start_log_likelihood: tsLogLik,
  filter_per_bar_ms: round(filterPerBarMs, 6),
  filter_bars_per_s: Math.round(1000 / filterPerBarMs),
};
if ('skipped' in ref) {
  result.reference = ref.skipped;
} else {
  const tsWeights = hrpTimes.single!.result.weights;
  result.reference = 'PyPortfolioOpt HRPOpt + hmmlearn GaussianHMM (same CSV, same HMM start)';
  result.reference_hrp_ms = round(ref.hrp_ms);
  result.hrp_speedup_vs_reference = round(ref.hrp_ms / hrpTimes.single!.ms, 2);
  result.hrp_max_abs_weight_diff = Math.max(
    ...Object.entries(ref.hrp_weights as Record<string, number>).map(([s, w]) => Math.abs(w - tsWeights[s]!)),
  );
  result.reference_hmm_ms = round(ref.hmm_ms);
  result.hmm_speedup_vs_reference = round(ref.hmm_ms / sameStart.ms, 2);
  result.reference_hmm_iterations = ref.hmm_iterations;
  result.reference_hmm_log_likelihood = ref.hmm_log_likelihood;
  result.hmm_log_likelihood_diff = Math.abs(tsLogLik - ref.hmm_log_likelihood);
}
console.log(JSON.stringify(result));
