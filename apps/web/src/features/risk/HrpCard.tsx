import { useMemo } from 'react';
import { Card } from '@/shared/ui/Card';
import { Dendrogram } from './Dendrogram';
import { HrpLegend, HrpWeightsChart, type WeightRow } from './HrpWeightsChart';
import type { RiskReport } from './operations';
import styles from './risk.module.css';

/** The HRP tree and the weights it produces, side by side on the same rows. */
export function HrpCard({ report }: { report: RiskReport }) {
  const { hrp, inverseVariance, symbols, maxConcentration } = report;
  const rows = useMemo((): WeightRow[] => {
    const hrpW = new Map(hrp.weights.map((w) => [w.symbol, w.weight]));
    const ivW = new Map(inverseVariance.map((w) => [w.symbol, w.weight]));
    const ordered = [...hrp.order, ...hrp.weights.map((w) => w.symbol).filter((s) => !hrp.order.includes(s))];
    return ordered.map((symbol) => ({
      symbol,
      hrp: hrpW.get(symbol) ?? 0,
      inverseVariance: ivW.get(symbol) ?? null,
    }));
  }, [hrp, inverseVariance]);

  return (
    <Card
      title={
        <>
          Hierarchical risk parity <span className={styles.titleMeta}>{hrp.linkage} linkage</span>
        </>
      }
    >
      <div className={styles.hrpRow}>
        <Dendrogram symbols={symbols} order={rows.map((r) => r.symbol)} merges={hrp.dendrogram} />
        <HrpWeightsChart rows={rows} limit={maxConcentration} />
      </div>
      <HrpLegend limit={maxConcentration} />
    </Card>
  );
}
