/** Observation vectors for the regime HMM, built causally from a close series. */

export interface RegimeObservations {
  /** One vector per bar from `firstIndex` on: `[logReturn, rollingVol]`. */
  obs: Float64Array[];
  /** Index into `closes` of `obs[0]`; `obs[i]` belongs to bar `firstIndex + i`. */
  firstIndex: number;
}

/** The observations of a series one close at a time (what a live feed appends). */
export interface RegimeObservationStream {
  readonly volWindow: number;
  /** Closes consumed so far. */
  readonly bars: number;
  /**
   * Consumes the next close; returns that bar's `[logReturn, rollingVol]`, or null while the
   * volatility window is still filling (the first `volWindow` closes). O(volWindow) per bar,
   * independent of the history's length.
   */
  push(close: number): Float64Array | null;
}

function checkVolWindow(volWindow: number, what: string): void {
  if (!Number.isInteger(volWindow) || volWindow < 2) {
    throw new RangeError(`${what}: volWindow must be an integer ≥ 2, got ${volWindow}`);
  }
}

/**
 * Per bar t: r[t] = ln(c[t] / c[t−1]) and the SAMPLE standard deviation (n − 1) of the last
 * `volWindow` log returns r[t−volWindow+1..t] (per bar, not annualised; the same definition as
 * the `realizedVol20` feature), kept in a ring of the last `volWindow` returns. The standard
 * deviation is computed two-pass over the window in bar order (mean, then squared deviations),
 * not with a running sum, so a value never depends on where the series started and the
 * streamed value equals the batch one exactly.
 */
export function createRegimeObservationStream(volWindow = 20): RegimeObservationStream {
  checkVolWindow(volWindow, 'createRegimeObservationStream');
  const ring = new Float64Array(volWindow);
  let bars = 0;
  let prevClose = NaN;
  return {
    volWindow,
    get bars() {
      return bars;
    },
    push(close) {
      if (!(Number.isFinite(close) && close > 0)) {
        throw new RangeError(`regime observations: close ${close} of bar ${bars} is not finite and > 0`);
      }
      const t = bars++;
      const last = prevClose;
      prevClose = close;
      if (t === 0) return null;
      const r = Math.log(close / last);
      ring[t % volWindow] = r; // r[t] lives at t mod volWindow
      if (t < volWindow) return null;
      let mean = 0;
      for (let i = t - volWindow + 1; i <= t; i++) mean += ring[i % volWindow]!;
      mean /= volWindow;
      let ss = 0;
      for (let i = t - volWindow + 1; i <= t; i++) {
        const d = ring[i % volWindow]! - mean;
        ss += d * d;
      }
      return Float64Array.of(r, Math.sqrt(ss / (volWindow - 1)));
    },
  };
}

/**
 * Every bar's observation (`createRegimeObservationStream` over `closes`). Both components use
 * closes 0..t only, so obs[i] never depends on later bars. The first bar with a full window is
 * t = volWindow, hence `firstIndex = volWindow`.
 */
export function regimeObservations(closes: Float64Array, volWindow = 20): RegimeObservations {
  checkVolWindow(volWindow, 'regimeObservations');
  const n = closes.length;
  for (let i = 0; i < n; i++) {
    const c = closes[i]!;
    if (!(Number.isFinite(c) && c > 0)) {
      throw new RangeError(`regimeObservations: close[${i}] = ${c} is not finite and > 0`);
    }
  }
  const stream = createRegimeObservationStream(volWindow);
  const obs: Float64Array[] = [];
  for (let t = 0; t < n; t++) {
    const ob = stream.push(closes[t]!);
    if (ob) obs.push(ob);
  }
  return { obs, firstIndex: volWindow };
}
