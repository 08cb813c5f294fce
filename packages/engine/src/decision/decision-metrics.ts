import type { WeightIssue } from '@tradeplane/models';
import { Counter, Gauge, Histogram, type Logger, type Registry } from '@tradeplane/platform';
import type { ActiveModels } from '../catalog';

/** How often the weights alert is logged at most (the counter counts every row). */
const ALERT_INTERVAL_MS = 10_000;

/**
 * Prometheus metrics of the decision path. Everything a request touches is a pre-resolved
 * counter child (an increment), never a label lookup.
 *
 * Failure mode 3 (DESIGN.md): `tp_meta_weights_normalised_total{issue}` counts every row whose
 * meta-controller weights were NaN, negative or off the simplex; the alert is the error log
 * below (at most one per 10 s, with the count) and the rule
 * `increase(tp_meta_weights_normalised_total[5m]) > 0`.
 */
export class DecisionMetrics {
  private readonly decisions: Counter;
  private readonly duration: Histogram;
  private readonly normalised: Counter;
  private readonly clamped: Counter;
  private readonly beside: Counter;
  private readonly besideByArm = new Map<string, { inc(): void }>();
  private readonly byArm = new Map<string, { inc(): void }>();
  private readonly byIssue = new Map<WeightIssue, { inc(): void }>();
  private pendingAlerts = 0;
  private lastAlertAt = Number.NEGATIVE_INFINITY;

  constructor(
    registry: Registry,
    sources: { halted: () => boolean; active: () => ActiveModels | null; swaps: () => number },
    private readonly clock: () => number,
    private readonly log: Logger,
  ) {
    this.decisions = new Counter({
      name: 'tp_decisions_total',
      help: 'Decisions served, by routing arm',
      labelNames: ['arm'],
      registers: [registry],
    });
    this.duration = new Histogram({
      name: 'tp_decision_duration_seconds',
      help: 'Server time of a decision: handler entry to decision built (timings.totalMs)',
      buckets: [0.0001, 0.00025, 0.0005, 0.00075, 0.001, 0.002, 0.005, 0.01, 0.05, 0.25],
      registers: [registry],
    });
    this.normalised = new Counter({
      name: 'tp_meta_weights_normalised_total',
      help: 'Meta-controller weight rows normalised (NaN, negative, sum != 1), by issue',
      labelNames: ['issue'],
      registers: [registry],
    });
    this.clamped = new Counter({
      name: 'tp_specialist_signals_clamped_total',
      help: 'Specialist outputs that were NaN or outside [-1, 1]',
      registers: [registry],
    });
    this.beside = new Counter({
      name: 'tp_shadow_decisions_total',
      help: 'Decisions also scored after the response by a set beside the acting one, by its arm',
      labelNames: ['arm'],
      registers: [registry],
    });
    new Gauge({
      name: 'tp_trading_halted',
      help: '1 while trading is halted (predict answers 503)',
      registers: [registry],
      collect() {
        this.set(sources.halted() ? 1 : 0);
      },
    });
    new Gauge({
      name: 'tp_model_swaps_since_start',
      help: 'Model set swaps since start',
      registers: [registry],
      collect() {
        this.set(sources.swaps());
      },
    });
    new Gauge({
      name: 'tp_active_model_version',
      help: 'Registry version in force, by model and routing arm',
      labelNames: ['model', 'arm'],
      registers: [registry],
      collect() {
        this.reset();
        const active = sources.active();
        if (!active) return;
        for (const arm of [active.production, active.canary, active.shadow]) {
          if (!arm) continue;
          for (const [model, version] of Object.entries(arm.versions))
            this.set({ model, arm: arm.arm }, version);
        }
      },
    });
  }

  decided(arm: string, totalMs: number): void {
    let child = this.byArm.get(arm);
    if (!child) this.byArm.set(arm, (child = this.decisions.labels(arm)));
    child.inc();
    this.duration.observe(totalMs / 1000);
  }

  /** A row whose weights were fixed: counted per issue, alerted (rate-limited) with the versions. */
  weightsNormalised(issues: readonly WeightIssue[], context: { symbol: string; models: string }): void {
    for (const issue of issues) {
      let child = this.byIssue.get(issue);
      if (!child) this.byIssue.set(issue, (child = this.normalised.labels(issue)));
      child.inc();
    }
    this.pendingAlerts++;
    const now = this.clock();
    if (now - this.lastAlertAt < ALERT_INTERVAL_MS) return;
    this.log.error(
      { alert: 'META_WEIGHTS_NORMALISED', rows: this.pendingAlerts, issues, ...context },
      'meta-controller emitted invalid weights; normalised onto the simplex',
    );
    this.pendingAlerts = 0;
    this.lastAlertAt = now;
  }

  signalsClamped(n: number): void {
    this.clamped.inc(n);
  }

  /** A decision scored after the response by the set of `arm` beside the acting one. */
  besideScored(arm: string): void {
    let child = this.besideByArm.get(arm);
    if (!child) this.besideByArm.set(arm, (child = this.beside.labels(arm)));
    child.inc();
  }
}
