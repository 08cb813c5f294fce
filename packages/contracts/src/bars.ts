/**
 * Bars as parallel columns (struct of arrays), the one shape every package passes bars in.
 * Index i of every column is one bar.
 * - `ts`: bar time, epoch milliseconds UTC, strictly increasing.
 * - `volume`: null when the source has no volume at all; NaN cells mark missing values.
 */
export interface BarColumns {
  ts: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array | null;
}
