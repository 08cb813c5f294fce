'use client';

import { useCallback, useEffect, useState } from 'react';
import { request, type Operation } from '../graphql/client';

export interface QueryState<TData> {
  data: TData | undefined;
  error: Error | undefined;
  loading: boolean;
  /** Re-run the query (keeps the previous data while loading). */
  reload: () => void;
}

/**
 * Runs a query on mount and whenever its variables change. Pass `variables = null` to skip.
 * `pollMs` re-runs it periodically.
 */
export function useQuery<TData, TVars extends Record<string, unknown>>(
  op: Operation<TData, TVars>,
  variables: TVars | null,
  opts: { pollMs?: number } = {},
): QueryState<TData> {
  const key = variables === null ? null : JSON.stringify(variables);
  // Results are tagged with the variables they belong to, so a change of variables never shows stale data.
  const [result, setResult] = useState<{ key: string; data?: TData; error?: Error } | null>(null);
  const [loading, setLoading] = useState(key !== null);
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((t) => t + 1), []);

  useEffect(() => {
    if (key === null) {
      setLoading(false);
      return;
    }
    const controller = new AbortController();
    setLoading(true);
    request(op, JSON.parse(key) as TVars, { signal: controller.signal })
      .then((d) => setResult({ key, data: d }))
      .catch((err: unknown) => {
        if (controller.signal.aborted) return;
        setResult((prev) => ({
          key,
          data: prev?.key === key ? prev.data : undefined,
          error: err instanceof Error ? err : new Error(String(err)),
        }));
      })
      .finally(() => {
        if (!controller.signal.aborted) setLoading(false);
      });
    return () => controller.abort();
  }, [op, key, tick]);

  useEffect(() => {
    if (!opts.pollMs || key === null) return;
    const id = window.setInterval(reload, opts.pollMs);
    return () => window.clearInterval(id);
  }, [opts.pollMs, key, reload]);

  const current = result !== null && result.key === key ? result : null;
  return { data: current?.data, error: current?.error, loading, reload };
}
