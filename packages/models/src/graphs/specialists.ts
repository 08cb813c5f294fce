/**
 * The bootstrap specialists: small, hand-set rules written as ONNX graphs so that the engine
 * runs them exactly like the trained specialists that replace them (same signature, see
 * signatures.ts). Each one maps `features float32[N, F]` to `signal float32[N, 1]` in [-1, 1]
 * (+1 = fully long, -1 = fully short) and comes with a plain-TypeScript forward pass of the
 * same maths, which the tests hold the graph to. Every graph ends in Clip(-1, 1): ONNX
 * Runtime's float32 Tanh can overshoot ±1 by one ulp on large inputs.
 *
 * The defaults are calibrated on daily bars (the volatility feature is per bar, not
 * annualised: ~0.01 for SPY in calm years, 0.03–0.06 in 2008).
 */
import type { FeatureName } from '@tradeplane/contracts';
import { featureIndex, featureVector } from './feature-row';
import type { OnnxGraph, OnnxNode } from '../onnx/onnx-model';
import { BATCH_DIM, FEATURE_COUNT, TENSOR_NAMES } from './signatures';

export const specialistNames = ['momentum', 'mean-reversion', 'defensive'] as const;
export type SpecialistName = (typeof specialistNames)[number];

export type FeatureWeights = Partial<Record<FeatureName, number>>;

/**
 * Momentum: follows the recent drift, measured in units of volatility so that a 5 % month
 * means more in a calm market than in a crash.
 *
 *   σ      = max(realizedVol20, volFloor)
 *   trend  = (Σ returnWeights[f] · x[f]) / σ
 *   macd   = tanh(macdGain · macdHist / σ)
 *   signal = tanh(trend + macdWeight · macd + bias)
 */
export interface MomentumParams {
  /** Weights on the features (the log returns), applied before dividing by σ. */
  returnWeights: FeatureWeights;
  /**
   * Vote of the MACD histogram's direction. The histogram is in price units (the feature
   * contract's definition), so even divided by σ it grows with the price level; the inner
   * tanh bounds its vote to ±macdWeight on any instrument.
   */
  macdWeight: number;
  /** Scale inside the MACD tanh (per price unit per unit of σ). */
  macdGain: number;
  /** Smallest σ used, so a flat (or not yet defined, hence 0) volatility cannot blow up the ratio. */
  volFloor: number;
  bias: number;
}

/**
 * logReturn20 / (σ·√20) is the 20-bar drift's t-statistic (≈ ±1 in an ordinary trending
 * month); weights 0.5/√20 and 0.25/√5 make the month dominate and the week confirm, so a
 * 1-σ month gives a signal of about 0.45 before the MACD vote.
 */
export const DEFAULT_MOMENTUM_PARAMS: MomentumParams = {
  returnWeights: { logReturn20: 0.5 / Math.sqrt(20), logReturn5: 0.25 / Math.sqrt(5) },
  macdWeight: 0.25,
  macdGain: 0.05,
  volFloor: 0.002,
  bias: 0,
};

/**
 * Mean reversion: fades stretched moves. Deviations are measured as
 *   band = 2·(bollingerPctB − 0.5)   (+1 at the upper band, −1 at the lower)
 *   rsi  = (rsi14 − 50) / 50         (+0.4 at RSI 70)
 *   signal = tanh(−bandWeight · band − rsiWeight · rsi)
 * which is tanh(x·w + b) with w[%b] = −2·bandWeight, w[rsi] = −rsiWeight/50,
 * b = bandWeight + rsiWeight (what the graph holds).
 */
export interface MeanReversionParams {
  bandWeight: number;
  rsiWeight: number;
}

/** At the upper band with RSI 70 the signal is about −0.76; inside the bands it stays moderate. */
export const DEFAULT_MEAN_REVERSION_PARAMS: MeanReversionParams = { bandWeight: 0.6, rsiWeight: 1.0 };

/**
 * Defensive: cuts exposure in drawdowns and turbulent markets, holds a small long otherwise.
 *   signal = min(tanh(drawdownWeight · drawdown − volWeight · (realizedVol20 − calmVol) + bias), maxSignal)
 * (drawdown ≤ 0). Graph: tanh(x·w + b) with w[drawdown] = drawdownWeight,
 * w[vol] = −volWeight, b = bias + volWeight·calmVol, then Clip to [−1, maxSignal].
 */
export interface DefensiveParams {
  drawdownWeight: number;
  volWeight: number;
  /** Per-bar volatility regarded as normal (≈ 16 % a year on daily bars). */
  calmVol: number;
  bias: number;
  /** The most it ever asks for: it is a brake, not an engine. */
  maxSignal: number;
}

/** A 10 % drawdown alone gives about −0.29; 2008 (−40 %, σ 0.035) gives −0.99; calm highs +0.2. */
export const DEFAULT_DEFENSIVE_PARAMS: DefensiveParams = {
  drawdownWeight: 4,
  volWeight: 50,
  calmVol: 0.01,
  bias: 0.1,
  maxSignal: 0.2,
};

export interface SpecialistParamsByName {
  momentum: MomentumParams;
  'mean-reversion': MeanReversionParams;
  defensive: DefensiveParams;
}

export const DEFAULT_SPECIALIST_PARAMS: SpecialistParamsByName = {
  momentum: DEFAULT_MOMENTUM_PARAMS,
  'mean-reversion': DEFAULT_MEAN_REVERSION_PARAMS,
  defensive: DEFAULT_DEFENSIVE_PARAMS,
};

const X = TENSOR_NAMES.features;
const Y = TENSOR_NAMES.signal;
const io = {
  inputs: [{ name: X, shape: [BATCH_DIM, FEATURE_COUNT] }],
  outputs: [{ name: Y, shape: [BATCH_DIM, 1] }],
};
const column = (values: number[]) => ({ dims: [values.length, 1], data: values });
const oneHot = (name: FeatureName) => featureVector({ [name]: 1 });
const scalar = (name: string, value: number) => ({ name, dims: [], data: [value] });

function momentumGraph(p: MomentumParams): OnnxGraph {
  const nodes: OnnxNode[] = [
    { opType: 'MatMul', inputs: [X, 'vol_select'], outputs: ['vol'] },
    { opType: 'Clip', inputs: ['vol', 'vol_floor'], outputs: ['sigma'] },
    { opType: 'MatMul', inputs: [X, 'return_weights'], outputs: ['drift'] },
    { opType: 'Div', inputs: ['drift', 'sigma'], outputs: ['trend'] },
    { opType: 'MatMul', inputs: [X, 'macd_select'], outputs: ['macd_hist'] },
    { opType: 'Div', inputs: ['macd_hist', 'sigma'], outputs: ['macd_per_sigma'] },
    { opType: 'Mul', inputs: ['macd_per_sigma', 'macd_gain'], outputs: ['macd_scaled'] },
    { opType: 'Tanh', inputs: ['macd_scaled'], outputs: ['macd_direction'] },
    { opType: 'Mul', inputs: ['macd_direction', 'macd_weight'], outputs: ['macd_vote'] },
    { opType: 'Add', inputs: ['trend', 'macd_vote'], outputs: ['logit_raw'] },
    { opType: 'Add', inputs: ['logit_raw', 'bias'], outputs: ['logit'] },
    { opType: 'Tanh', inputs: ['logit'], outputs: ['tanh'] },
    { opType: 'Clip', inputs: ['tanh', 'clip_min', 'clip_max'], outputs: [Y] },
  ];
  return {
    name: 'momentum',
    doc: 'tanh((x·w)/max(vol, floor) + macdWeight·tanh(macdGain·macdHist/max(vol, floor)) + b)',
    ...io,
    nodes,
    initializers: [
      { name: 'vol_select', ...column(oneHot('realizedVol20')) },
      scalar('vol_floor', p.volFloor),
      { name: 'return_weights', ...column(featureVector(p.returnWeights)) },
      { name: 'macd_select', ...column(oneHot('macdHist')) },
      scalar('macd_gain', p.macdGain),
      scalar('macd_weight', p.macdWeight),
      scalar('bias', p.bias),
      scalar('clip_min', -1),
      scalar('clip_max', 1),
    ],
  };
}

/** clip(tanh(x·w + b), -1, max): the mean-reversion and defensive graphs, and every trained specialist. */
export function linearTanhGraph(
  name: string,
  doc: string,
  weights: number[],
  bias: number,
  max = 1,
): OnnxGraph {
  return {
    name,
    doc,
    ...io,
    nodes: [
      { opType: 'MatMul', inputs: [X, 'weights'], outputs: ['xw'] },
      { opType: 'Add', inputs: ['xw', 'bias'], outputs: ['logit'] },
      { opType: 'Tanh', inputs: ['logit'], outputs: ['tanh'] },
      { opType: 'Clip', inputs: ['tanh', 'clip_min', 'clip_max'], outputs: [Y] },
    ],
    initializers: [
      { name: 'weights', ...column(weights) },
      scalar('bias', bias),
      scalar('clip_min', -1),
      scalar('clip_max', max),
    ],
  };
}

function meanReversionLinear(p: MeanReversionParams) {
  return {
    weights: featureVector({ bollingerPctB: -2 * p.bandWeight, rsi14: -p.rsiWeight / 50 }),
    bias: p.bandWeight + p.rsiWeight,
  };
}

function meanReversionGraph(p: MeanReversionParams): OnnxGraph {
  const { weights, bias } = meanReversionLinear(p);
  return linearTanhGraph(
    'mean-reversion',
    'tanh(-bandWeight·2(%b-0.5) - rsiWeight·(rsi-50)/50)',
    weights,
    bias,
  );
}

function defensiveLinear(p: DefensiveParams) {
  return {
    weights: featureVector({ drawdown: p.drawdownWeight, realizedVol20: -p.volWeight }),
    bias: p.bias + p.volWeight * p.calmVol,
  };
}

function defensiveGraph(p: DefensiveParams): OnnxGraph {
  const { weights, bias } = defensiveLinear(p);
  return linearTanhGraph(
    'defensive',
    'min(tanh(ddWeight·drawdown - volWeight·(vol-calmVol) + b), maxSignal)',
    weights,
    bias,
    p.maxSignal,
  );
}

export function specialistGraph<N extends SpecialistName>(
  name: N,
  params: SpecialistParamsByName[N],
): OnnxGraph {
  switch (name) {
    case 'momentum':
      return momentumGraph(params as MomentumParams);
    case 'mean-reversion':
      return meanReversionGraph(params as MeanReversionParams);
    case 'defensive':
      return defensiveGraph(params as DefensiveParams);
    default:
      throw new Error(`unknown specialist '${String(name)}'`);
  }
}

// Plain-TypeScript forward passes, in float32 like the graphs (parameters and the row are
// rounded to float32 first; the arithmetic is float64, within a few float32 ulps of ONNX Runtime).

const f32 = Math.fround;
const clip = (x: number, max: number) => Math.min(Math.max(x, -1), max);
const dot = (row: ArrayLike<number>, w: number[]) => {
  let s = 0;
  for (let i = 0; i < w.length; i++) s += f32(row[i]!) * f32(w[i]!);
  return s;
};

function momentumSignal(p: MomentumParams, row: ArrayLike<number>): number {
  const sigma = Math.max(f32(row[featureIndex('realizedVol20')]!), f32(p.volFloor));
  const trend = dot(row, featureVector(p.returnWeights)) / sigma;
  const macd = Math.tanh(f32(p.macdGain) * (f32(row[featureIndex('macdHist')]!) / sigma));
  return clip(Math.tanh(trend + f32(p.macdWeight) * macd + f32(p.bias)), 1);
}

function meanReversionSignal(p: MeanReversionParams, row: ArrayLike<number>): number {
  const { weights, bias } = meanReversionLinear(p);
  return clip(Math.tanh(dot(row, weights) + f32(bias)), 1);
}

function defensiveSignal(p: DefensiveParams, row: ArrayLike<number>): number {
  const { weights, bias } = defensiveLinear(p);
  return clip(Math.tanh(dot(row, weights) + f32(bias)), f32(p.maxSignal));
}

export function specialistSignal<N extends SpecialistName>(
  name: N,
  params: SpecialistParamsByName[N],
  row: ArrayLike<number>,
): number {
  switch (name) {
    case 'momentum':
      return momentumSignal(params as MomentumParams, row);
    case 'mean-reversion':
      return meanReversionSignal(params as MeanReversionParams, row);
    case 'defensive':
      return defensiveSignal(params as DefensiveParams, row);
    default:
      throw new Error(`unknown specialist '${String(name)}'`);
  }
}
