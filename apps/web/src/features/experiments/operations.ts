import { operation } from '@/shared/graphql/client';
import type { ModelStage } from '@/features/models';
import type { ParsedMetricFilter, ParsedParamFilter } from './runFilterParser';

/** Contract: apps/gateway/src/schema/tracking/tracking.graphql. */

export const RUN_STATUSES = ['running', 'finished', 'failed', 'killed'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export type ParamValue = string | number | boolean;

export interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

export interface Experiment {
  id: string;
  name: string;
  description: string | null;
  owner: string;
  createdAt: string;
  runCount: number;
  lastRunAt: string | null;
}

export interface MetricValue {
  key: string;
  value: number;
}

/** What the runs table shows of a run. */
export interface RunRow {
  id: string;
  experimentId: string;
  name: string;
  status: RunStatus;
  startedAt: string;
  endedAt: string | null;
  durationSeconds: number;
  owner: string;
  params: Record<string, ParamValue>;
  latestMetrics: MetricValue[];
}

export interface RunLink {
  id: string;
  name: string;
  status: RunStatus;
}

export interface Artifact {
  id: string;
  path: string;
  sha256: string;
  size: number;
  contentType: string;
  createdAt: string;
}

export interface RunModelVersion {
  id: string;
  modelName: string;
  version: number;
  stage: ModelStage;
  createdBy: string;
  createdAt: string;
}

export interface RunDetail extends RunRow {
  experimentName: string;
  tags: Record<string, string>;
  sourceCommit: string | null;
  failureReason: string | null;
  parent: RunLink | null;
  children: RunLink[];
  metricKeys: string[];
  artifacts: Artifact[];
  modelVersions: RunModelVersion[];
}

export interface SeriesPoint {
  step: number;
  value: number;
}

export interface MetricSeries {
  runId: string;
  key: string;
  totalPoints: number;
  downsampled: boolean;
  points: SeriesPoint[];
}

export interface ParamDiff {
  key: string;
  values: (string | null)[];
  differs: boolean;
}

export interface MetricComparison {
  key: string;
  latest: (number | null)[];
  series: MetricSeries[];
}

export interface RunComparison {
  runs: RunRow[];
  params: ParamDiff[];
  metrics: MetricComparison[];
}

export type MetricFilter = ParsedMetricFilter;
export type KeyValueFilter = ParsedParamFilter;

export interface RunFilter {
  experimentId?: string;
  status?: RunStatus[];
  params?: KeyValueFilter[];
  metrics?: MetricFilter[];
  nameContains?: string;
}

export type RunSortField = 'startedAt' | 'name' | 'status' | 'metric';

export interface RunSort {
  field: RunSortField;
  direction: 'asc' | 'desc';
  metricKey?: string;
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: PageInfo;
  totalCount: number;
}

const RUN_ROW_FIELDS = `id experimentId name status startedAt endedAt durationSeconds owner params
  latestMetrics { key value }`;

export const EXPERIMENTS = operation<
  { experiments: Connection<Experiment> },
  { first: number; after: string | null; nameContains: string | null }
>(`query Experiments($first: Int, $after: String, $nameContains: String) {
  experiments(first: $first, after: $after, nameContains: $nameContains) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id name description owner createdAt runCount lastRunAt } }
  }
}`);

export const EXPERIMENT = operation<{ experiment: Experiment | null }, { id: string }>(
  `query Experiment($id: ID!) {
  experiment(id: $id) { id name description owner createdAt runCount lastRunAt }
}`,
);

export const RUNS = operation<
  { runs: Connection<RunRow> },
  { filter: RunFilter; sort: RunSort; first: number; after: string | null }
>(`query Runs($filter: RunFilter, $sort: RunSort, $first: Int, $after: String) {
  runs(filter: $filter, sort: $sort, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { ${RUN_ROW_FIELDS} } }
  }
}`);

export const RUN = operation<{ run: RunDetail | null }, { id: string }>(`query Run($id: ID!) {
  run(id: $id) {
    ${RUN_ROW_FIELDS}
    experimentName tags sourceCommit failureReason
    parent { id name status }
    children { id name status }
    metricKeys
    artifacts { id path sha256 size contentType createdAt }
    modelVersions { id modelName version stage createdBy createdAt }
  }
}`);

export const COMPARE_RUNS = operation<
  { compareRuns: RunComparison },
  { runIds: string[]; maxPoints: number }
>(`query CompareRuns($runIds: [ID!]!, $maxPoints: Int) {
  compareRuns(runIds: $runIds, maxPoints: $maxPoints) {
    runs { ${RUN_ROW_FIELDS} }
    params { key values differs }
    metrics {
      key latest
      series { runId key totalPoints downsampled points { step value } }
    }
  }
}`);

export interface SeriesRequest {
  runId: string;
  key: string;
}

/**
 * Every (run, key) series a run's charts need (its own and those of the runs overlaid on it), in
 * one round trip and one fixed document, answered in the order asked.
 */
export const METRIC_SERIES_BATCH = operation<
  { metricSeriesBatch: MetricSeries[] },
  { series: SeriesRequest[]; maxPoints: number }
>(
  `query RunMetricSeries($series: [MetricSeriesRequest!]!, $maxPoints: Int) {
  metricSeriesBatch(series: $series, maxPoints: $maxPoints) { runId key totalPoints downsampled points { step value } }
}`,
);

export interface RunMetricsUpdate {
  runId: string;
  points: { key: string; step: number; value: number }[];
}

export interface RunStatusUpdate {
  runId: string;
  experimentId: string;
  status: RunStatus;
  at: string;
}

export const RUN_METRICS_ADDED = operation<{ runMetricsAdded: RunMetricsUpdate }, { runId: string }>(
  `subscription RunMetricsAdded($runId: ID!) {
  runMetricsAdded(runId: $runId) { runId points { key step value } }
}`,
);

export const RUN_STATUS_CHANGED = operation<
  { runStatusChanged: RunStatusUpdate },
  { experimentId: string | null }
>(`subscription RunStatusChanged($experimentId: ID) {
  runStatusChanged(experimentId: $experimentId) { runId experimentId status at }
}`);
