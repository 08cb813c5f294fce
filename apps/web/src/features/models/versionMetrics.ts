/** The numeric entries of a version's metrics JSON (the run's latest metrics when it was registered). */
export function numericMetrics(metrics: Record<string, unknown>): [string, number][] {
  return Object.entries(metrics)
    .filter((e): e is [string, number] => typeof e[1] === 'number' && Number.isFinite(e[1]))
    .sort(([a], [b]) => a.localeCompare(b));
}
