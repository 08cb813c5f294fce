'use client';

import { useEffect } from 'react';
import { formatDateTime, formatNumber, formatTimestamp } from '@/shared/format/format';
import { useQuery } from '@/shared/hooks/useGraphQL';
import { Card } from '@/shared/ui/Card';
import { ErrorState, Loading } from '@/shared/ui/States';
import { FEATURES } from './operations';
import { featureMeta, sortFeatureNames } from './features';
import styles from './data.module.css';

/** The latest point-in-time feature vector for (symbol, timeframe). */
export function FeaturePanel(props: { symbol: string; timeframe: string; reloadToken: number }) {
  const { symbol, timeframe } = props;
  const { data, error, loading, reload } = useQuery(FEATURES, { symbol, timeframe });
  const { reloadToken } = props;
  useEffect(() => {
    if (reloadToken > 0) reload();
  }, [reloadToken, reload]);
  const vector = data?.features;
  const order = vector ? sortFeatureNames(vector.values.map((v) => v.name)) : [];
  const byName = new Map(vector?.values.map((v) => [v.name, v.value]));

  return (
    <Card
      testId="feature-panel"
      title={
        <>
          Features at
          {vector && <span className={styles.titleMeta}>{formatDateTime(vector.barTime)}</span>}
        </>
      }
      actions={
        <button type="button" className="btn btn-sm" onClick={reload} disabled={loading}>
          Refresh
        </button>
      }
    >
      {error ? (
        <ErrorState error={error} onRetry={reload} compact />
      ) : !vector ? (
        <Loading>Loading features…</Loading>
      ) : (
        <>
          <div className={styles.featureMeta}>
            <span>
              bar <span className="mono">{formatTimestamp(vector.barTime)}</span>
            </span>
            <span>
              as of <span className="mono">{formatTimestamp(vector.asOf)}</span>
            </span>
            <span>
              source <span className="badge">{vector.source}</span>
            </span>
          </div>
          <table className="table" data-testid="feature-table">
            <thead>
              <tr>
                <th>Feature</th>
                <th className="num">Value</th>
              </tr>
            </thead>
            <tbody>
              {order.map((name) => {
                const value = byName.get(name) ?? null;
                return (
                  <tr key={name} data-testid={`feature-${name}`}>
                    <td>
                      {featureMeta(name).label} <span className={styles.rawName}>{name}</span>
                    </td>
                    <td
                      className="num"
                      title={value == null ? 'lookback window not full, or no volume' : String(value)}
                    >
                      {value == null ? <span className="dim">null</span> : formatNumber(value)}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </>
      )}
    </Card>
  );
}
