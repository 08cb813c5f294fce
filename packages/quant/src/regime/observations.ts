/** Observation vectors for the regime HMM, built causally from a close series. */

export interface RegimeObservations {
  /** One vector per bar from `firstIndex` on: `[logReturn, rollingVol]`. */
  obs: Float64Array[];
  /** Index into `closes` of `obs[0]`; `obs[i]` belongs to bar `firstIndex + i`. */
  firstIndex: number;
}

/**
 * Per bar t: r[t] = ln(c[t] / c[t−1]) and the SAMPLE standard deviation (n − 1) of the last
 * `volWindow` log returns r[t−volWindow+1..t] (per bar, not annualised; the same definition as
 * the `realizedVol20` feature). Both use closes 0..t only, so obs[i] never depends on later
 * bars. The first bar with a full window is t = volWindow, hence `firstIndex = volWindow`.
 * The standard deviation is computed two-pass over each window (mean, then squared deviations),
 * not with a running sum, so a value never depends on where the series started.
 */
export function regimeObservations(closes: Float64Array, volWindow = 20): RegimeObservations {
  if (!Number.isInteger(volWindow) || volWindow < 2) {
    throw new RangeError(`regimeObservations: volWindow must be an integer ≥ 2, got ${volWindow}`);
  }
  const n = closes.length;
  for (let i = 0; i < n; i++) {
    const c = closes[i]!;
    if (!(Number.isFinite(c) && c > 0)) {
      throw new RangeError(`regimeObservations: close[${i}] = ${c} is not finite and > 0`);
    }
  }
  const r = new Float64Array(n); // r[0] unused
  for (let t = 1; t < n; t++) r[t] = Math.log(closes[t]! / closes[t - 1]!);
  const firstIndex = volWindow;
  const obs: Float64Array[] = [];
  for (let t = firstIndex; t < n; t++) {
    let mean = 0;
    for (let i = t - volWindow + 1; i <= t; i++) mean += r[i]!;
    mean /= volWindow;
    let ss = 0;
    for (let i = t - volWindow + 1; i <= t; i++) {
      const d = r[i]! - mean;
      ss += d * d;
    }
    obs.push(Float64Array.of(r[t]!, Math.sqrt(ss / (volWindow - 1))));
  }
  return { obs, firstIndex };
}
