import type { MetricValue, ParamValue } from './operations';

/** A param as the gateway compares it (as text). */
export function paramText(v: ParamValue | null | undefined): string {
  return v == null ? '—' : String(v);
}

export function latestOf(metrics: readonly MetricValue[], key: string): number | null {
  return metrics.find((m) => m.key === key)?.value ?? null;
}
