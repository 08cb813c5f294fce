import { operation } from '@/shared/graphql/client';

export interface RegimeState {
  label: string;
  /** Per observation dimension: [log return, 20-day realised volatility]. */
  mean: number[];
  variance: number[];
}

export interface RegimeModel {
  version: string;
  seed: number;
  logLikelihood: number;
  /** Ordered bull, bear, sideways. */
  states: RegimeState[];
  /** Row-stochastic, rows and columns in the order of `states`. */
  transition: number[][];
  trainedFrom: string;
  trainedTo: string;
  createdAt: string;
  /** Half-life in bars of the causal EMA the engine serves over the filtered probabilities. */
  smoothingHalfLife: number;
}

export interface RegimePoint {
  time: string;
  bull: number;
  bear: number;
  sideways: number;
  regime: string;
}

export interface RegimeTransition {
  time: string;
  from: string;
  to: string;
}

export interface RegimeDisruption {
  transitions: number;
  hardSwitch: number;
  blended: number;
  blendedSmoothed: number;
  smoothingHalfLife: number;
}

export interface RegimeHistory {
  model: RegimeModel;
  points: RegimePoint[];
  transitions: RegimeTransition[];
  disruption: RegimeDisruption;
}

export interface RegimeChange {
  modelVersion: string;
  time: string;
  from: string | null;
  to: string;
  bull: number;
  bear: number;
  sideways: number;
}

export const DAILY_INSTRUMENTS = operation<{ instruments: { symbol: string; timeframes: string[] }[] }>(
  `query RegimeInstruments {
  instruments { symbol timeframes }
}`,
);

export const REGIME_HISTORY = operation<{ regimeHistory: RegimeHistory | null }, { symbol: string }>(
  `query RegimeHistory($symbol: String!) {
  regimeHistory(symbol: $symbol) {
    model {
      version seed logLikelihood
      states { label mean variance }
      transition trainedFrom trainedTo createdAt smoothingHalfLife
    }
    points { time bull bear sideways regime }
    transitions { time from to }
    disruption { transitions hardSwitch blended blendedSmoothed smoothingHalfLife }
  }
}`,
);

export const FIT_REGIME_MODEL = operation<{ fitRegimeModel: string }, { symbol: string }>(
  `mutation FitRegimeModel($symbol: String!) {
  fitRegimeModel(symbol: $symbol)
}`,
);

export const REGIME_CHANGED = operation<{ regimeChanged: RegimeChange }, { symbol: string }>(
  `subscription RegimeChanged($symbol: String!) {
  regimeChanged(symbol: $symbol) { modelVersion time from to bull bear sideways }
}`,
);

export const REGIME_FIT_JOB = operation<
  { regimeFitJob: { state: string; failedReason: string | null; attemptsMade: number } | null },
  { id: string }
>(`query RegimeFitJob($id: ID!) {
  regimeFitJob(id: $id) { state failedReason attemptsMade }
}`);
