import { formatNumber, formatPercent } from '@/shared/format/format';
import { Card } from '@/shared/ui/Card';
import type { TargetExplanation } from './operations';
import { specialistWaterfall } from './waterfall';
import { WaterfallChart, WaterfallLegend } from './WaterfallChart';
import styles from './forensics.module.css';

/** Each specialist's share of the blend: the meta-controller's weight × the specialist's signal. */
export function SpecialistsCard({ target: t }: { target: TargetExplanation }) {
  return (
    <Card
      title={
        <>
          Specialists <span className={styles.symbol}>{t.symbol}</span>
          <span className={styles.titleMeta}>weight × signal → blended signal</span>
        </>
      }
      testId="forensics-specialists"
    >
      <div className={styles.chartScroll}>
        <WaterfallChart
          steps={specialistWaterfall(t)}
          format={formatNumber}
          label={`Specialists' contributions to the blended signal of ${t.symbol}`}
          testId="specialist-waterfall"
        />
      </div>
      <WaterfallLegend start="zero" total="blended signal" />
      <div className={styles.tableWrap}>
        <table className="table">
          <thead>
            <tr>
              <th>Specialist</th>
              <th className="num">Signal</th>
              <th className="num">Weight</th>
              <th className="num">Weight × signal</th>
              <th className="num" title="The signal with every feature at its baseline">
                Baseline signal
              </th>
              <th className="num" title="What single-feature occlusion leaves unexplained">
                Interaction
              </th>
            </tr>
          </thead>
          <tbody>
            {t.specialists.map((s) => (
              <tr key={s.name} data-testid="forensics-specialist" data-name={s.name}>
                <td className="mono">
                  {s.name} <span className="dim">v{s.version}</span>
                </td>
                <td className="num">{formatNumber(s.signal)}</td>
                <td className="num">{formatPercent(s.weight, 1)}</td>
                <td className={`num ${s.contribution < 0 ? styles.negative : styles.positive}`}>
                  {formatNumber(s.contribution)}
                </td>
                <td className="num">{formatNumber(s.baselineSignal)}</td>
                <td className="num">{formatNumber(s.interaction)}</td>
              </tr>
            ))}
            <tr className={styles.totalRow}>
              <td>blend</td>
              <td className="num" />
              <td className="num">
                {formatPercent(
                  t.specialists.reduce((a, s) => a + s.weight, 0),
                  1,
                )}
              </td>
              <td className="num">{formatNumber(t.blendedSignal)}</td>
              <td className="num" />
              <td className="num" />
            </tr>
          </tbody>
        </table>
      </div>
    </Card>
  );
}
