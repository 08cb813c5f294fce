import { operation } from '@/shared/graphql/client';

export interface Instrument {
  symbol: string;
  assetClass: string;
  quoteAsset: string;
  timeframes: string[];
  barCount: number;
  firstBar: string | null;
  lastBar: string | null;
}

export interface FeatureSeriesData {
  times: string[];
  features: { name: string; values: (number | null)[] }[];
}

export interface FeatureVectorData {
  asOf: string;
  barTime: string;
  source: string;
  values: { name: string; value: number | null }[];
}

export type IngestionStatus = 'queued' | 'running' | 'succeeded' | 'failed';

export interface IngestionProgress {
  runId: string;
  status: IngestionStatus;
  file: string | null;
  filesDone: number;
  filesTotal: number;
  rowsRead: number;
  rowsInserted: number;
  rowsUpdated: number;
  rowsRejected: number;
  message: string | null;
}

export interface IngestionRun {
  id: string;
  source: string;
  status: IngestionStatus;
  rowsRead: number;
  rowsInserted: number;
  rowsUpdated: number;
  rowsRejected: number;
  rejects: { file: string; line: number; reason: string }[];
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export const INSTRUMENTS = operation<{ instruments: Instrument[] }>(
  `query Instruments {
  instruments { symbol assetClass quoteAsset timeframes barCount firstBar lastBar }
}`,
);

export const FEATURE_SERIES = operation<
  { featureSeries: FeatureSeriesData },
  { symbol: string; timeframe: string }
>(
  `query FeatureSeries($symbol: String!, $timeframe: String!) {
  featureSeries(symbol: $symbol, timeframe: $timeframe) { times features { name values } }
}`,
);

export const FEATURES = operation<{ features: FeatureVectorData }, { symbol: string; timeframe: string }>(
  `query Features($symbol: String!, $timeframe: String!) {
  features(symbol: $symbol, timeframe: $timeframe) { asOf barTime source values { name value } }
}`,
);

export const IMPORT_DATA = operation<
  { importData: { id: string; status: IngestionStatus } },
  { path: string }
>(
  `mutation ImportData($path: String!) {
  importData(path: $path) { id status }
}`,
);

export const INGESTION_PROGRESS = operation<{ ingestionProgress: IngestionProgress }, { id: string }>(
  `subscription IngestionProgress($id: ID!) {
  ingestionProgress(runId: $id) {
    runId status file filesDone filesTotal rowsRead rowsInserted rowsUpdated rowsRejected message
  }
}`,
);

export const INGESTION_RUNS = operation<{ ingestionRuns: IngestionRun[] }>(
  `query IngestionRuns {
  ingestionRuns(first: 10) {
    id source status rowsRead rowsInserted rowsUpdated rowsRejected
    rejects { file line reason }
    error createdAt startedAt finishedAt
  }
}`,
);
