/** Test fixture: the regime HMM fitted on SPY daily history (memoised per test worker). */
import { loadSpy } from '../../features/testing/real-data';
import { fitGaussianHmm, type HmmFit } from '../hmm';
import { regimeObservations } from '../observations';

export interface SpyRegimeFixture {
  closes: Float64Array;
  /** One date per close. */
  dates: string[];
  obs: Float64Array[];
  firstIndex: number;
  /** Dates aligned with `obs`. */
  obsDates: string[];
  fit: HmmFit;
}

let cached: SpyRegimeFixture | undefined;

/** The production configuration: 3 states, 5 restarts, 200 iterations, tol 1e-6, seed 42. */
export function spyRegimeFixture(): SpyRegimeFixture {
  if (cached) return cached;
  const { bars, dates } = loadSpy();
  const { obs, firstIndex } = regimeObservations(bars.close);
  const fit = fitGaussianHmm(obs, { states: 3, restarts: 5, maxIter: 200, tol: 1e-6, seed: 42 });
  cached = { closes: bars.close, dates, obs, firstIndex, obsDates: dates.slice(firstIndex), fit };
  return cached;
}

/** Mean of `values[i]` over the i whose date lies in [from, to] (ISO dates, inclusive). */
export function meanBetween(
  values: readonly number[],
  dates: readonly string[],
  from: string,
  to: string,
): number {
  let s = 0;
  let n = 0;
  dates.forEach((d, i) => {
    if (d >= from && d <= to) {
      s += values[i]!;
      n++;
    }
  });
  if (n === 0) throw new Error(`no dates in [${from}, ${to}]`);
  return s / n;
}
