'use client';

import { useMemo } from 'react';
import { formatInt } from '@/shared/format/format';
import { Card } from '@/shared/ui/Card';
import { Empty } from '@/shared/ui/States';
import { DecisionCountChart, type HorizontalLine, type NSeries } from './DecisionCountChart';
import type {
  RolloutArmDecisions,
  RolloutArmStats,
  RolloutEvidence,
  RolloutEvidencePoint,
} from './operations';
import {
  DECISION_LABELS,
  diffCurveSeries,
  evidenceLog10,
  evidenceSeries,
  formatBps,
  formatLog10Evidence,
  formatSharpe,
  mdeSentence,
  VERDICT_LABELS,
  verdictSentence,
} from './rolloutFormat';
import styles from './rollouts.module.css';

const CANDIDATE = '#4c8dff';
const BAND = '#8591a3';
const WORSE = '#f0524f';
const NOT_WORSE = '#3ddc84';
const ZERO: readonly HorizontalLine[] = [{ value: 0, title: '0', color: '#8591a3' }];

const formatBpAxis = (v: number) => `${v.toFixed(1)} bp`;

/** Sharpe and mean net per arm, and each set's decisions in the ledger, acting or scored beside. */
function ArmsTable({
  evidence,
  perArm,
}: {
  evidence: RolloutEvidence;
  perArm: readonly RolloutArmDecisions[];
}) {
  const arms: [string, RolloutArmStats][] = [
    ['candidate', evidence.candidate],
    ['incumbent', evidence.incumbent],
  ];
  return (
    <table className="table" aria-label="Arms" data-testid="rollout-arms">
      <thead>
        <tr>
          <th>Set</th>
          <th>Label</th>
          <th className="num">Sharpe</th>
          <th className="num">Mean net / decision</th>
          <th className="num">Paired decisions</th>
          <th className="num">Acted</th>
        </tr>
      </thead>
      <tbody>
        {arms.map(([set, a]) => (
          <tr key={set} data-testid="rollout-arm" data-set={set}>
            <td>{set}</td>
            <td className="mono">{a.label}</td>
            <td className="num" data-testid="arm-sharpe">
              {formatSharpe(a.sharpe)}
            </td>
            <td className="num">{formatBps(a.meanNet, 2)}</td>
            <td className="num">{formatInt(a.decisions)}</td>
            <td className="num">{formatInt(a.acted)}</td>
          </tr>
        ))}
      </tbody>
      {perArm.length > 0 && (
        <tbody data-testid="rollout-decisions-per-arm">
          <tr>
            <th colSpan={6}>Decisions in the ledger per arm</th>
          </tr>
          {perArm.map((d) => (
            <tr
              key={`${d.set}-${d.label}-${d.acted}`}
              data-testid="arm-decisions"
              data-set={d.set}
              data-acted={d.acted}
            >
              <td>{d.set.toLowerCase()}</td>
              <td className="mono">{d.label}</td>
              <td colSpan={2}>{d.acted ? 'acted' : 'scored beside'}</td>
              <td className="num">{formatInt(d.decisions)}</td>
              <td className="num">{formatInt(d.recorded)} recorded</td>
            </tr>
          ))}
        </tbody>
      )}
    </table>
  );
}

/** The live arm comparison: the paired difference's cumulative curve with its band, the arms' figures. */
export function ArmComparison({
  evidence,
  perArm,
}: {
  evidence: RolloutEvidence | null;
  perArm: readonly RolloutArmDecisions[];
}) {
  const series = useMemo<NSeries[]>(() => {
    if (!evidence) return [];
    const curve = diffCurveSeries(evidence.curve);
    return [
      { label: 'Σd', color: CANDIDATE, points: curve.cumulative },
      { label: 'lower', color: BAND, dashed: true, points: curve.lower },
      { label: 'upper', color: BAND, dashed: true, points: curve.upper },
    ];
  }, [evidence]);

  return (
    <Card title="Arm comparison" testId="rollout-comparison">
      {!evidence ? (
        <Empty>The controller has not analysed this rollout yet (no snapshot).</Empty>
      ) : (
        <>
          <dl className={styles.facts}>
            <div>
              <dt>Paired decisions</dt>
              <dd className="mono" data-testid="rollout-n">
                {formatInt(evidence.n)} ({formatInt(evidence.stepDecisions)} this step)
              </dd>
            </div>
            <div>
              <dt>Mean difference / decision</dt>
              <dd className="mono">
                {formatBps(evidence.meanDiff, 2)}
                {evidence.halfWidth !== null && ` ± ${formatBps(evidence.halfWidth, 2).replace(/^\+/, '')}`}
              </dd>
            </div>
            <div>
              <dt>Cumulative difference</dt>
              <dd className="mono">{formatBps(evidence.cumulativeDiff, 1)}</dd>
            </div>
            <div>
              <dt>Verdict</dt>
              <dd
                className={styles[`verdict-${evidence.verdict}`]}
                data-testid="rollout-verdict"
                data-verdict={evidence.verdict}
              >
                {VERDICT_LABELS[evidence.verdict]}
              </dd>
            </div>
          </dl>
          <p className={styles.sentence} data-testid="rollout-mde">
            {mdeSentence(evidence.n, evidence.minimumDetectableEffect)}
          </p>
          <div className={styles.chartCaption}>
            Cumulative paired P&amp;L difference (candidate − incumbent, bp) with its anytime-valid band
          </div>
          {evidence.curve.length === 0 ? (
            <Empty>No paired decision yet.</Empty>
          ) : (
            <DecisionCountChart
              testId="rollout-diff-chart"
              ariaLabel="Cumulative paired difference by decisions"
              series={series}
              lines={ZERO}
              formatValue={formatBpAxis}
            />
          )}
          <ArmsTable evidence={evidence} perArm={perArm} />
        </>
      )}
    </Card>
  );
}

/** The sequential test's evidence over n on a log scale, against its threshold, and the verdict. */
export function EvidenceCard({
  evidence,
  history,
  alpha,
}: {
  evidence: RolloutEvidence | null;
  history: readonly RolloutEvidencePoint[];
  alpha: number;
}) {
  const series = useMemo<NSeries[]>(() => {
    const s = evidenceSeries(history);
    return [
      { label: 'worse', color: WORSE, points: s.worse },
      { label: 'not worse', color: NOT_WORSE, points: s.notWorse },
    ];
  }, [history]);
  const threshold = evidence?.threshold ?? 1 / alpha;
  const lines = useMemo<HorizontalLine[]>(
    () => [
      {
        value: evidenceLog10(threshold),
        title: `1/α = ${formatLog10Evidence(evidenceLog10(threshold))}`,
        color: '#e5a50a',
      },
      { value: 0, title: '1', color: '#5b6676' },
    ],
    [threshold],
  );
  return (
    <Card title="Sequential test" testId="rollout-evidence">
      {evidence ? (
        <p className={styles.note} data-testid="rollout-verdict-sentence">
          {verdictSentence(evidence)} Controller: {DECISION_LABELS[evidence.decision]} ({evidence.reason}).
        </p>
      ) : (
        <Empty>No evidence yet.</Empty>
      )}
      <div className={styles.chartCaption}>
        Evidence (e-value, log scale) that the candidate is worse / not worse, against 1/α
      </div>
      {history.length === 0 ? (
        <Empty>No snapshot yet.</Empty>
      ) : (
        <DecisionCountChart
          testId="rollout-evidence-chart"
          ariaLabel="Evidence by decisions, log scale"
          series={series}
          lines={lines}
          formatValue={formatLog10Evidence}
        />
      )}
    </Card>
  );
}
