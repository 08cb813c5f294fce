/**
 * The rollout controller: at every tick, the leader (one at a time, by a lease in PostgreSQL)
 * reads the active rollout, its paired decisions from the outcome ledger and the engines'
 * crashes, runs the analysis (quant `analyseRollout`: the sequential test and the guards) and
 * acts on it through the rollout service: advance, promote, roll back, pause, conclude. What it
 * saw is stored as a snapshot when it changed.
 *
 * Safe under restarts: the state is the rollout row, and a move is made only from the revision
 * it was decided on, in one transaction with its registry moves; a controller killed mid-step
 * finds the step as it was and decides again. A second controller waits for the lease; one that
 * loses it mid-tick is refused by the revision check.
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { channels, ROLLOUT_CONTROLLER_ACTOR, type RolloutEvidence } from '@tradeplane/contracts';
import { RolloutError, type Repositories, type RolloutRecord } from '@tradeplane/db';
import { actOnRollout, RolloutActionError, type RolloutAnnouncer } from '@tradeplane/models';
import { Counter, Histogram, type Logger, type Registry } from '@tradeplane/platform';
import { analyseRollout, type StepDecision } from '@tradeplane/quant';

export const ROLLOUT_LEASE = 'rollout-controller';

const CONTROLLER_ACTOR = { by: ROLLOUT_CONTROLLER_ACTOR, auditActor: `system:${ROLLOUT_CONTROLLER_ACTOR}` };

export interface RolloutControllerOptions {
  tickMs: number;
  leaseMs: number;
  /** An engine run without a heartbeat for this long and no clean stop has died. */
  crashStaleMs: number;
  /** A snapshot is stored at least this often while nothing changes (the console's live view). */
  snapshotEveryMs: number;
}

export interface RolloutControllerDeps {
  repos: Pick<Repositories, 'registry' | 'rollouts' | 'engineRuns'>;
  announce: RolloutAnnouncer;
  clock: () => number;
  metrics: Registry;
  log: Logger;
}

/** What one tick did, for tests and the bench. */
export interface TickResult {
  leader: boolean;
  rolloutId: string | null;
  evidence: RolloutEvidence | null;
  /** The action taken (null: continue, or someone acted first). */
  acted: StepDecision['decision'] | null;
  /** When the action was committed (epoch ms), for trigger-to-effect timing. */
  actedAtMs: number | null;
}

export class RolloutController {
  readonly holder = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<TickResult> | null = null;
  private stopped = false;
  private leading = false;
  private lastSnapshot: { key: string; atMs: number } | null = null;
  private readonly ticks: Counter<'outcome'>;
  private readonly actions: Counter<'action'>;
  private readonly tickSeconds: Histogram<string>;
  private readonly listeners = new Set<(result: TickResult) => void>();

  constructor(
    private readonly deps: RolloutControllerDeps,
    private readonly options: RolloutControllerOptions,
  ) {
    this.ticks = new Counter({
      name: 'tp_rollout_controller_ticks_total',
      help: 'Rollout controller ticks, by outcome (idle, follower, judged, failed)',
      labelNames: ['outcome'],
      registers: [deps.metrics],
    });
    this.actions = new Counter({
      name: 'tp_rollout_controller_actions_total',
      help: 'Rollout actions the controller took, by action',
      labelNames: ['action'],
      registers: [deps.metrics],
    });
    this.tickSeconds = new Histogram({
      name: 'tp_rollout_controller_tick_seconds',
      help: 'Time of a judged tick: ledger read, analysis, action',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [deps.metrics],
    });
  }

  /** Ticks every tickMs until stopped; a tick never overlaps the previous one. */
  start(): void {
    const loop = () => {
      if (this.stopped) return;
      void this.tick().finally(() => {
        if (!this.stopped) this.timer = setTimeout(loop, this.options.tickMs);
      });
    };
    loop();
  }

  /** Called after every tick (tests, the bench). */
  onTick(listener: (result: TickResult) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.ticking?.catch(() => undefined);
    if (this.leading)
      await this.deps.repos.rollouts.releaseLease(ROLLOUT_LEASE, this.holder).catch(() => undefined);
  }

  /** One tick; concurrent calls share it. Never throws (a failed tick is logged and counted). */
  tick(): Promise<TickResult> {
    this.ticking ??= this.tickOnce()
      .catch((err: unknown): TickResult => {
        this.ticks.inc({ outcome: 'failed' });
        this.deps.log.error({ err }, 'rollout controller tick failed; retrying at the next tick');
        return { leader: this.leading, rolloutId: null, evidence: null, acted: null, actedAtMs: null };
      })
      .then((result) => {
        for (const l of this.listeners) l(result);
        return result;
      })
      .finally(() => {
        this.ticking = null;
      });
    return this.ticking;
  }

  private async tickOnce(): Promise<TickResult> {
    const { repos, log } = this.deps;
    const leader = await repos.rollouts.acquireLease(ROLLOUT_LEASE, this.holder, this.options.leaseMs);
    if (leader !== this.leading)
      log.info({ holder: this.holder }, leader ? 'rollout controller leads' : 'rollout controller follows');
    this.leading = leader;
    const idle: TickResult = { leader, rolloutId: null, evidence: null, acted: null, actedAtMs: null };
    if (!leader) {
      this.ticks.inc({ outcome: 'follower' });
      return idle;
    }
    const rollout = await repos.rollouts.active();
    if (!rollout) {
      this.ticks.inc({ outcome: 'idle' });
      return idle;
    }
    const endTimer = this.tickSeconds.startTimer();
    const result = await this.judge(rollout);
    endTimer();
    this.ticks.inc({ outcome: 'judged' });
    return result;
  }

  private async judge(rollout: RolloutRecord): Promise<TickResult> {
    const { repos, clock, log } = this.deps;
    const { plan } = rollout;
    const [decisions, crashes] = await Promise.all([
      repos.rollouts.pairedOutcomes(rollout),
      repos.engineRuns.crashesSince(
        Math.max(rollout.createdAt.getTime(), clock() - plan.guards.crashes.windowHours * 3_600_000),
        this.options.crashStaleMs,
      ),
    ]);
    const now = clock();
    const stepStartedAtMs = rollout.stepStartedAt.getTime();
    const evidence = analyseRollout({
      state: {
        kind: rollout.kind,
        stepIndex: rollout.stepIndex,
        steps: plan.steps,
        stepStartedAtMs,
        stepDecisions: decisions.filter((d) => d.decidedAtMs >= stepStartedAtMs).length,
        now,
      },
      decisions,
      crashes: crashes.map((c) => c.lastSeenMs),
      timeframe: rollout.timeframe,
      analysis: plan.analysis,
      guards: plan.guards,
      candidateLabel: rollout.candidateLabel,
      incumbentLabel: rollout.incumbentLabel,
    });

    const decision = this.applicable(rollout, evidence);
    let acted: TickResult['acted'] = null;
    let actedAtMs: number | null = null;
    if (decision) {
      try {
        await actOnRollout(this.deps, rollout.id, decision.action, CONTROLLER_ACTOR, {
          reason: evidence.reason,
          evidence,
          winner: decision.winner,
          rollout,
        });
        acted = evidence.decision;
        actedAtMs = Date.now();
        this.actions.inc({ action: decision.action });
        log.info(
          {
            rolloutId: rollout.id,
            action: decision.action,
            step: rollout.stepIndex,
            reason: evidence.reason,
          },
          'rollout moved',
        );
      } catch (err) {
        // Someone (a person, a controller that led a moment ago) acted first: judge again next tick.
        if (err instanceof RolloutError && (err.code === 'ROLLOUT_STALE' || err.code === 'ROLLOUT_ENDED'))
          log.info({ rolloutId: rollout.id, code: err.code }, 'rollout changed under the controller');
        else if (err instanceof RolloutActionError)
          log.warn({ err, rolloutId: rollout.id }, 'action not applicable');
        else throw err;
      }
    }
    await this.snapshot(rollout, evidence, acted !== null);
    return { leader: true, rolloutId: rollout.id, evidence, acted, actedAtMs };
  }

  /**
   * The action for the analysis' decision, or null. A paused rollout waits for a person, but its
   * guards still act: only a rollback applies to it.
   */
  private applicable(
    rollout: RolloutRecord,
    evidence: RolloutEvidence,
  ): {
    action: 'advance' | 'promote' | 'rollback' | 'pause' | 'conclude';
    winner?: 'candidate' | 'incumbent' | null;
  } | null {
    const d = evidence.decision;
    if (d === 'continue') return null;
    if (rollout.status === 'paused' && d !== 'rollback') return null;
    if (d === 'conclude') {
      const winner = evidence.verdict === 'worse' ? 'incumbent' : 'candidate';
      return { action: 'conclude', winner };
    }
    return { action: d };
  }

  /** Stores the evidence when it changed or the last one is older than snapshotEveryMs. */
  private async snapshot(rollout: RolloutRecord, evidence: RolloutEvidence, moved: boolean): Promise<void> {
    const key = [
      rollout.id,
      rollout.revision,
      evidence.n,
      evidence.decision,
      evidence.guards.map((g) => `${g.guard}:${g.tripped}:${g.samples}`).join(','),
    ].join('|');
    const now = this.deps.clock();
    const last = this.lastSnapshot;
    if (!moved && last?.key === key && now - last.atMs < this.options.snapshotEveryMs) return;
    await this.deps.repos.rollouts.recordSnapshot(rollout.id, evidence);
    this.lastSnapshot = { key, atMs: now };
    if (!moved)
      this.deps.announce(channels.rolloutChanged, {
        rolloutId: rollout.id,
        status: rollout.status,
        stepIndex: rollout.stepIndex,
        canaryPercent: rollout.canaryPercent,
        action: 'analysis',
        at: new Date(now).toISOString(),
      });
  }
}
