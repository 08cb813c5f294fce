/** Window lengths and parameters; the names in `featureNames` encode them. */
export const FEATURE_PARAMS = {
  realizedVolWindow: 20,
  rsiPeriod: 14,
  macd: { fast: 12, slow: 26, signal: 9 },
  bollinger: { period: 20, k: 2 },
  volumeWindow: 20,
} as const;

/**
 * First index at which each feature is defined on a series with no missing values
 * (index = number of earlier bars needed). Before it the value is NaN.
 */
export const FEATURE_WARMUP = {
  logReturn1: 1,
  logReturn5: 5,
  logReturn20: 20,
  realizedVol20: 20,
  rsi14: 14,
  // trading-signals emits the MACD line once the slow EMA has seen 26 prices (index 25) and
  // seeds the signal EMA with that first MACD value; we wait until the signal EMA has seen 9.
  macdHist: 26 + 9 - 2,
  bollingerPctB: 19,
  volumeZ20: 19,
  drawdown: 0,
} as const;

/**
 * A band width or standard deviation at or below this fraction of the level is treated as
 * zero: the mean of identical floats can differ from them in the last bit, which would turn
 * a flat window into a spurious finite %b / z-score.
 */
export const FLAT_RELATIVE = 1e-12;
