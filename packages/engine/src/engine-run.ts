/**
 * This process in `engine_runs`: registered at start, a heartbeat every ENGINE_HEARTBEAT_MS,
 * marked stopped on a clean stop. The rollout controller's crash guard counts runs whose
 * heartbeat went stale without a stop.
 *
 * Best-effort throughout: PostgreSQL away never delays the start nor stops the engine serving.
 * A registration that failed is retried at each beat (so a run that started during an outage
 * appears once the database answers); a failure is logged once per outage, the recovery once.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { EngineRunsRepository } from '@tradeplane/db';
import type { Logger } from '@tradeplane/platform';

export interface EngineRunRecorderOptions {
  heartbeatMs: number;
  /** How long a clean stop waits for its row's update before giving up on it; default 2 s. */
  stopTimeoutMs?: number;
  instanceId?: string;
  host?: string;
  pid?: number;
}

export class EngineRunRecorder {
  readonly instanceId: string;
  private readonly host: string;
  private readonly pid: number;
  private registered = false;
  private failing = false;
  private beating: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly runs: Pick<EngineRunsRepository, 'started' | 'heartbeat' | 'stopped'>,
    private readonly options: EngineRunRecorderOptions,
    private readonly log: Logger,
  ) {
    this.instanceId = options.instanceId ?? randomUUID();
    this.host = options.host ?? hostname();
    this.pid = options.pid ?? process.pid;
  }

  /** Registers the run in the background and starts the heartbeat; returns at once. */
  start(): void {
    if (this.timer) return;
    void this.beat();
    this.timer = setInterval(() => void this.beat(), this.options.heartbeatMs);
    this.timer.unref();
  }

  /** Stops the heartbeat and marks the run stopped (bounded wait; a failure is logged). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.beating;
    if (!this.registered) return;
    const limitMs = this.options.stopTimeoutMs ?? 2_000;
    let timeout: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.runs.stopped(this.instanceId),
        new Promise((_, reject) => {
          timeout = setTimeout(() => reject(new Error(`no answer in ${limitMs} ms`)), limitMs);
        }),
      ]);
    } catch (err) {
      this.log.warn({ err, instanceId: this.instanceId }, 'could not mark this engine run stopped');
    } finally {
      clearTimeout(timeout);
    }
  }

  /** One registration or heartbeat; never more than one at a time, never throws. */
  private beat(): Promise<void> {
    if (this.beating) return this.beating;
    const beat = (async () => {
      try {
        if (this.registered) await this.runs.heartbeat(this.instanceId);
        else {
          await this.runs.started({ instanceId: this.instanceId, host: this.host, pid: this.pid });
          this.registered = true;
        }
        if (this.failing)
          this.log.info({ instanceId: this.instanceId }, 'engine run heartbeat recorded again');
        this.failing = false;
      } catch (err) {
        if (!this.failing)
          this.log.warn(
            { err, instanceId: this.instanceId },
            'could not record the engine run heartbeat; retrying every beat',
          );
        this.failing = true;
      }
    })();
    this.beating = beat;
    void beat.then(() => {
      if (this.beating === beat) this.beating = null;
    });
    return beat;
  }
}
