'use client';

import { useState, type FormEvent } from 'react';
import { RUN_STATUSES, type RunFilter, type RunStatus } from './operations';
import { parseMetricFilters, parseParamFilters } from './runFilterParser';
import styles from './experiments.module.css';

export interface RunFilterText {
  status: RunStatus[];
  name: string;
  params: string;
  metrics: string;
}

export const NO_FILTER: RunFilterText = { status: [], name: '', params: '', metrics: '' };

/** The form's text as a gateway RunFilter, or the first condition it cannot read. */
export function toRunFilter(
  experimentId: string,
  text: RunFilterText,
): { filter: RunFilter } | { errors: { params?: string; metrics?: string } } {
  const params = parseParamFilters(text.params);
  const metrics = parseMetricFilters(text.metrics);
  if (!params.ok || !metrics.ok) {
    return {
      errors: {
        params: params.ok ? undefined : params.error,
        metrics: metrics.ok ? undefined : metrics.error,
      },
    };
  }
  const filter: RunFilter = { experimentId };
  if (text.status.length > 0) filter.status = text.status;
  if (text.name.trim()) filter.nameContains = text.name.trim();
  if (params.filters.length > 0) filter.params = params.filters;
  if (metrics.filters.length > 0) filter.metrics = metrics.filters;
  return { filter };
}

/** Status, name, `param = value` and `metric > threshold` filters, applied on submit. */
export function RunFilters(props: { experimentId: string; onApply: (text: RunFilterText) => void }) {
  const { experimentId, onApply } = props;
  const [text, setText] = useState<RunFilterText>(NO_FILTER);
  const [errors, setErrors] = useState<{ params?: string; metrics?: string }>({});

  const apply = (next: RunFilterText) => {
    const parsed = toRunFilter(experimentId, next);
    if ('errors' in parsed) {
      setErrors(parsed.errors);
      return;
    }
    setErrors({});
    onApply(next);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    apply(text);
  };
  const clear = () => {
    setText(NO_FILTER);
    apply(NO_FILTER);
  };
  // A status toggle takes effect at once; the text fields on "Apply filters" (or Enter).
  const toggleStatus = (s: RunStatus) => {
    const next = {
      ...text,
      status: text.status.includes(s) ? text.status.filter((x) => x !== s) : [...text.status, s],
    };
    setText(next);
    apply(next);
  };

  return (
    <form className={styles.filters} onSubmit={submit} aria-label="Run filters">
      <fieldset className={styles.statusGroup}>
        <legend className="field-label">Status</legend>
        <div className="seg">
          {RUN_STATUSES.map((s) => (
            <button
              key={s}
              type="button"
              aria-pressed={text.status.includes(s)}
              onClick={() => toggleStatus(s)}
            >
              {s}
            </button>
          ))}
        </div>
      </fieldset>
      <div className={styles.filterField}>
        <label className="field-label" htmlFor="run-filter-name">
          Run name
        </label>
        <input
          id="run-filter-name"
          className="input"
          value={text.name}
          onChange={(e) => setText((t) => ({ ...t, name: e.target.value }))}
          placeholder="contains…"
        />
      </div>
      <div className={styles.filterField}>
        <label className="field-label" htmlFor="run-filter-params">
          Params
        </label>
        <input
          id="run-filter-params"
          className="input"
          value={text.params}
          onChange={(e) => setText((t) => ({ ...t, params: e.target.value }))}
          placeholder="slow = 200, cost_bps = 5"
          aria-invalid={errors.params ? true : undefined}
          aria-describedby={errors.params ? 'run-filter-params-error' : undefined}
        />
        {errors.params && (
          <span id="run-filter-params-error" className={styles.filterError} role="alert">
            {errors.params}
          </span>
        )}
      </div>
      <div className={styles.filterField}>
        <label className="field-label" htmlFor="run-filter-metrics">
          Metrics
        </label>
        <input
          id="run-filter-metrics"
          className="input"
          value={text.metrics}
          onChange={(e) => setText((t) => ({ ...t, metrics: e.target.value }))}
          placeholder="sharpe > 1, max_drawdown < 0.3"
          aria-invalid={errors.metrics ? true : undefined}
          aria-describedby={errors.metrics ? 'run-filter-metrics-error' : undefined}
        />
        {errors.metrics && (
          <span id="run-filter-metrics-error" className={styles.filterError} role="alert">
            {errors.metrics}
          </span>
        )}
      </div>
      <button type="submit" className="btn btn-primary">
        Apply filters
      </button>
      <button type="button" className="btn" onClick={clear}>
        Clear
      </button>
    </form>
  );
}
