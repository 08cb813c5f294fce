/**
 * Explains decisions after the fact, off the decision path (the workers' forensics consumer
 * calls this): every target of every decision is rerun through the decision's own model
 * versions in ONNX Runtime, with each feature occluded to a baseline value, and with the
 * regime replaced by the uniform and the three certain regimes. No I/O.
 *
 * Method: occlusion (the contract in @tradeplane/contracts forensics.ts states the algebra).
 * Why occlusion and not integrated gradients: the graphs are served by ONNX Runtime, which has
 * no gradients; IG would need finite differences along a path (≥ 10 × features runs per row)
 * for what, on these small monotone models, single-feature occlusion plus an explicit
 * interaction term already gives exactly: a decomposition that sums to the decided signal.
 *
 * Baseline (FORENSICS_BASELINE): the feature vector of a quiet, trendless market, so an
 * attribution reads "what this feature's departure from a calm market did":
 *   returns (1/5/20 bars), MACD histogram, volume z-score, drawdown: 0;
 *   RSI(14): 50 (neither overbought nor oversold); Bollinger %b: 0.5 (on the middle band);
 *   realised volatility (20 bars, per bar): 0.0083, the median of SPY's daily history
 *   1993–2019 (explain-decision.test.ts recomputes it from ../shared/data).
 * Zero, featureRow's null filler, is not used: RSI 0 or %b 0 would be an extreme market.
 *
 * Cost: one batch per call. Rows per target = 2 + features + 4; every specialist and the
 * meta-controller run once over all rows of all decisions given, so a Kafka batch of
 * hundreds of decisions costs four ONNX Runtime calls.
 */
import {
  featureNames,
  type DecisionEvent,
  type FeatureName,
  type ForensicsExplanation,
  type SpecialistExplanation,
  type TargetExplanation,
} from '@tradeplane/contracts';
import { featureRow } from '../graphs/feature-row';
import { FEATURE_COUNT, REGIME_COUNT } from '../graphs/signatures';
import { type ModelSet } from '../model-set/model-set';

export const FORENSICS_BASELINE: Readonly<Record<FeatureName, number>> = {
  logReturn1: 0,
  logReturn5: 0,
  logReturn20: 0,
  realizedVol20: 0.0083,
  rsi14: 50,
  macdHist: 0,
  bollingerPctB: 0.5,
  volumeZ20: 0,
  drawdown: 0,
};

const UNIFORM_REGIME = { bull: 1 / 3, bear: 1 / 3, sideways: 1 / 3 } as const;
const CERTAIN_REGIMES = [
  [1, 0, 0],
  [0, 1, 0],
  [0, 0, 1],
] as const;

/** Rows per target: the decision, the baseline, one per occluded feature, 4 regime variants. */
export const ROWS_PER_TARGET = 2 + FEATURE_COUNT + 1 + CERTAIN_REGIMES.length;
const ROW_BASELINE = 1;
const ROW_OCCLUDED = 2;
const ROW_UNIFORM = 2 + FEATURE_COUNT;
const ROW_CERTAIN = ROW_UNIFORM + 1;

const baselineRow = featureRow(FORENSICS_BASELINE);

export class ExplanationError extends Error {
  readonly code = 'MODELS_DO_NOT_MATCH' as const;
}

/**
 * Seven decimals: the models compute in float32 (~1e-7 on these values in [-1, 1]), more is
 * noise, and bytes in every stored row. (toPrecision was a tenth of the consumer's CPU.)
 */
function r7(x: number): number {
  return Math.round(x * 1e7) / 1e7;
}

function featureMap(values: (j: number) => number): Record<FeatureName, number> {
  const out = {} as Record<FeatureName, number>;
  for (let j = 0; j < FEATURE_COUNT; j++) out[featureNames[j]!] = r7(values(j));
  return out;
}

/**
 * Explains each decision with `set`, which must hold the decision's specialists in the
 * decision's order (ExplanationError otherwise). Returns one explanation per decision.
 */
export function explainDecisions(set: ModelSet, decisions: readonly DecisionEvent[]): ForensicsExplanation[] {
  const names = set.specialistNames;
  const n = names.length;
  let targetCount = 0;
  for (const d of decisions) {
    for (const t of d.targets) {
      const theirs = t.specialists.map((s) => s.name);
      if (theirs.length !== n || theirs.some((name, i) => name !== names[i])) {
        throw new ExplanationError(
          `decision ${d.id}: specialists [${theirs.join(', ')}] are not the model set's [${names.join(', ')}]`,
        );
      }
      targetCount++;
    }
  }

  const rows = targetCount * ROWS_PER_TARGET;
  const features = new Float32Array(rows * FEATURE_COUNT);
  const regime = new Float32Array(rows * REGIME_COUNT);
  const x = new Float32Array(FEATURE_COUNT);
  let base = 0;
  for (const d of decisions) {
    const p = [d.regime.bull, d.regime.bear, d.regime.sideways];
    for (const t of d.targets) {
      featureRow(t.features as Record<FeatureName, number | null>, x);
      for (let k = 0; k < ROWS_PER_TARGET; k++) {
        const row = base + k;
        const f = features.subarray(row * FEATURE_COUNT, (row + 1) * FEATURE_COUNT);
        f.set(k === ROW_BASELINE ? baselineRow : x);
        if (k >= ROW_OCCLUDED && k < ROW_UNIFORM) {
          const j = k - ROW_OCCLUDED;
          f[j] = baselineRow[j]!;
        }
        const rg = regime.subarray(row * REGIME_COUNT, (row + 1) * REGIME_COUNT);
        if (k === ROW_UNIFORM) rg.set([UNIFORM_REGIME.bull, UNIFORM_REGIME.bear, UNIFORM_REGIME.sideways]);
        else if (k >= ROW_CERTAIN) rg.set(CERTAIN_REGIMES[k - ROW_CERTAIN]!);
        else rg.set(p);
      }
      base += ROWS_PER_TARGET;
    }
  }
  const out = rows > 0 ? set.decideBatch(features, regime, rows) : null;
  const signal = (row: number, i: number) => out!.signals[row * n + i]!;
  const weight = (row: number, i: number) => out!.weights[row * n + i]!;

  base = 0;
  return decisions.map((d) => {
    let reproductionError = 0;
    const targets = d.targets.map((t): TargetExplanation => {
      const r0 = base;
      base += ROWS_PER_TARGET;
      reproductionError = Math.max(reproductionError, Math.abs(out!.blends[r0]! - t.blendedSignal));
      const specialists = t.specialists.map((s, i): SpecialistExplanation => {
        const baselineSignal = signal(r0 + ROW_BASELINE, i);
        const attributions = featureMap((j) => signal(r0, i) - signal(r0 + ROW_OCCLUDED + j, i));
        let explained = baselineSignal;
        for (const name of featureNames) explained += attributions[name];
        return {
          name: s.name,
          version: s.version,
          signal: s.signal,
          baselineSignal: r7(baselineSignal),
          weight: s.weight,
          contribution: r7(s.weight * s.signal),
          attributions,
          interaction: r7(s.signal - explained),
          weightAtUniformRegime: r7(weight(r0 + ROW_UNIFORM, i)),
          weightByRegime: {
            bull: r7(weight(r0 + ROW_CERTAIN, i)),
            bear: r7(weight(r0 + ROW_CERTAIN + 1, i)),
            sideways: r7(weight(r0 + ROW_CERTAIN + 2, i)),
          },
        };
      });
      let baselineContribution = 0;
      let interactionContribution = 0;
      let blendAtUniform = 0;
      for (const s of specialists) {
        baselineContribution += s.weight * s.baselineSignal;
        interactionContribution += s.weight * s.interaction;
        blendAtUniform += s.weightAtUniformRegime * s.signal;
      }
      return {
        symbol: t.symbol,
        featuresComplete: t.featuresComplete ?? true,
        specialists,
        featureContributions: featureMap((j) =>
          specialists.reduce((sum, s) => sum + s.weight * s.attributions[featureNames[j]!], 0),
        ),
        baselineContribution: r7(baselineContribution),
        interactionContribution: r7(interactionContribution),
        blendedSignal: t.blendedSignal,
        regimeInfluence: r7(t.blendedSignal - blendAtUniform),
        blendOcclusion: featureMap((j) => out!.blends[r0]! - out!.blends[r0 + ROW_OCCLUDED + j]!),
        currentWeight: t.currentWeight,
        proposedWeight: t.proposedWeight,
        targetWeight: t.targetWeight,
        riskAdjustment: r7(t.targetWeight - t.proposedWeight),
      };
    });
    return {
      method: 'occlusion',
      baseline: { ...FORENSICS_BASELINE },
      regimeBaseline: { ...UNIFORM_REGIME },
      regime: d.regime,
      targets,
      risk: {
        verdict: d.risk.verdict,
        scale: d.risk.scale,
        bindingRule: d.risk.bindingRule,
        adjustments: d.risk.rules.filter((r) => r.binding || !r.passed),
      },
      models: d.models.versions,
      rowsEvaluated: d.targets.length * ROWS_PER_TARGET,
      reproductionError: r7(reproductionError),
    };
  });
}
