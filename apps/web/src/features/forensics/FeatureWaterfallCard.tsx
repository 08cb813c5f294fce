import { formatNumber } from '@/shared/format/format';
import { Card } from '@/shared/ui/Card';
import type { FeatureAmount, TargetExplanation } from './operations';
import { featureWaterfall } from './waterfall';
import { WaterfallChart, WaterfallLegend } from './WaterfallChart';
import styles from './forensics.module.css';

/**
 * The blended signal of one target, built up from the baseline: each feature's contribution
 * (Σ over specialists of weight × occlusion attribution), largest first, then the interaction.
 */
export function FeatureWaterfallCard(props: {
  target: TargetExplanation;
  /** The decision's feature values for this target. */
  features: readonly { name: string; value: number | null }[];
  baseline: readonly FeatureAmount[];
}) {
  const t = props.target;
  const steps = featureWaterfall(t);
  const value = new Map(props.features.map((f) => [f.name, f.value]));
  const baseline = new Map(props.baseline.map((f) => [f.name, f.value]));
  const occlusion = new Map(t.blendOcclusion.map((f) => [f.name, f.value]));
  return (
    <Card
      title={
        <>
          Waterfall <span className={styles.symbol}>{t.symbol}</span>
          <span className={styles.titleMeta}>baseline → features → interaction → blended signal</span>
        </>
      }
      testId="forensics-waterfall-card"
    >
      {!t.featuresComplete && (
        <p className={styles.warn}>
          A lookback window was still filling: the models&apos; signals were not traded on for {t.symbol}.
        </p>
      )}
      <div className={styles.chartScroll}>
        <WaterfallChart
          steps={steps}
          format={formatNumber}
          label={`Waterfall of the blended signal of ${t.symbol}`}
          testId="forensics-waterfall"
        />
      </div>
      <WaterfallLegend start="baseline" total="blended signal" />
      <div className={styles.tableWrap}>
        <table className="table" data-testid="feature-contributions">
          <thead>
            <tr>
              <th>Feature</th>
              <th className="num">Value</th>
              <th className="num">Baseline</th>
              <th className="num" title="Σ weight × (signal − signal with this feature at its baseline)">
                Contribution
              </th>
              <th
                className="num"
                title="The blend minus the blend rerun with this feature at its baseline (weights too)"
              >
                Through the weights too
              </th>
            </tr>
          </thead>
          <tbody>
            {steps
              .filter((s) => s.key.startsWith('feature:'))
              .map((s) => (
                <tr key={s.key} data-testid="feature-contribution" data-name={s.label}>
                  <td className="mono">{s.label}</td>
                  <td className="num">{formatNumber(value.get(s.label))}</td>
                  <td className="num">{formatNumber(baseline.get(s.label))}</td>
                  <td className={`num ${s.value < 0 ? styles.negative : styles.positive}`}>
                    {formatNumber(s.value)}
                  </td>
                  <td className="num">{formatNumber(occlusion.get(s.label))}</td>
                </tr>
              ))}
          </tbody>
        </table>
      </div>
    </Card>
  );
}
