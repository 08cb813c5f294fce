/**
 * The runs table's text filters: `sharpe > 1, max_drawdown <= 0.25` for metric thresholds and
 * `fast = 10, cost_bps = 5` for params, turned into the gateway's MetricFilter / KeyValueFilter.
 * Metric keys and param names cannot hold `,` or `;` (see trackingKey in the contracts), so
 * those separate the conditions.
 */

export type ComparisonOp = 'lt' | 'lte' | 'gt' | 'gte' | 'eq';

export interface ParsedMetricFilter {
  key: string;
  op: ComparisonOp;
  value: number;
}

export interface ParsedParamFilter {
  key: string;
  value: string;
}

export type Parsed<T> = { ok: true; filters: T[] } | { ok: false; error: string };

const OPS: Record<string, ComparisonOp> = {
  '>': 'gt',
  '>=': 'gte',
  '<': 'lt',
  '<=': 'lte',
  '=': 'eq',
  '==': 'eq',
};

const METRIC_CONDITION = /^(.+?)\s*(>=|<=|==|=|>|<)\s*(\S+)$/;

function conditions(text: string): string[] {
  return text
    .split(/[,;]/)
    .map((c) => c.trim())
    .filter((c) => c.length > 0);
}

export function parseMetricFilters(text: string): Parsed<ParsedMetricFilter> {
  const filters: ParsedMetricFilter[] = [];
  for (const c of conditions(text)) {
    const m = METRIC_CONDITION.exec(c);
    if (!m) return { ok: false, error: `"${c}": write a metric, an operator (> >= < <= =) and a number` };
    const [, key, op, raw] = m as unknown as [string, string, string, string];
    const value = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(value))
      return { ok: false, error: `"${c}": ${raw} is not a number` };
    filters.push({ key: key.trim(), op: OPS[op]!, value });
  }
  return { ok: true, filters };
}

export function parseParamFilters(text: string): Parsed<ParsedParamFilter> {
  const filters: ParsedParamFilter[] = [];
  for (const c of conditions(text)) {
    const eq = c.indexOf('=');
    const key = eq < 0 ? '' : c.slice(0, eq).trim();
    const value = eq < 0 ? '' : c.slice(eq + 1).trim();
    if (!key || !value) return { ok: false, error: `"${c}": write param = value` };
    filters.push({ key, value });
  }
  return { ok: true, filters };
}
