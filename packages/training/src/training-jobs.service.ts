/**
 * The training use case's control side, the one entry point of the gateway, the CLI and the
 * workers: start (validate the configuration, check every symbol, enqueue, audit), cancel
 * (flag a running job, remove a waiting one, audit), get and list, and the cancel flag the
 * running job reads. Kept free of the training core and ONNX Runtime, so the gateway loads
 * none of them (`@tradeplane/training/service`).
 */
import {
  trainingCancelKey,
  trainingPayload,
  trainingProgressSchema,
  type TrainingPayload,
  type TrainingProgress,
} from '@tradeplane/contracts';
import type { Repositories } from '@tradeplane/db';
import { BOOTSTRAP_LABEL } from '@tradeplane/models/names';
import { JobQueue, type Job, type Redis } from '@tradeplane/platform';
import { TrainingJobError } from './training-job-error';

export const TRAINING_JOB = 'training.run';

/** How long a cancel flag outlives the job it stops, s. */
const CANCEL_FLAG_TTL_S = 86_400;

/** A training job as its callers show it. */
export interface TrainingJobView {
  id: string;
  /** BullMQ's state: waiting, active, completed, failed, delayed, … */
  state: string;
  failedReason: string | null;
  progress: TrainingProgress | null;
  runId: string | null;
  /** The meta-controller's registry name and version: the version that blends the set. */
  modelName: string | null;
  modelVersion: number | null;
  modelSet: string | null;
  versions: Array<{ modelName: string; version: number }>;
}

export interface TrainingJobsDeps {
  repos: Pick<Repositories, 'instruments' | 'audit'>;
  /** The queue Redis (BullMQ, the cancel flags). */
  redis: Redis;
}

export class TrainingJobs {
  readonly queue: JobQueue<'training.run'>;

  constructor(private readonly deps: TrainingJobsDeps) {
    this.queue = new JobQueue(TRAINING_JOB, deps.redis);
  }

  /**
   * A configuration ready to train: parsed with the payload schema (defaults applied) and
   * every symbol known. Throws TrainingJobError naming the first bad field.
   */
  async validate(input: unknown): Promise<TrainingPayload> {
    const parsed = trainingPayload.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new TrainingJobError(
        'TRAINING_INVALID_CONFIG',
        issue.path.map(String).join('.') || '(root)',
        issue.message,
      );
    }
    const config = parsed.data;
    if (config.modelName === BOOTSTRAP_LABEL)
      throw new TrainingJobError(
        'TRAINING_RESERVED_NAME',
        'modelName',
        `'${BOOTSTRAP_LABEL}' labels the parameter-built set; choose another name`,
      );
    for (const [i, symbol] of [config.market, ...(config.universe ?? [])].entries()) {
      if (!(await this.deps.repos.instruments.findBySymbol(symbol)))
        throw new TrainingJobError(
          'TRAINING_UNKNOWN_SYMBOL',
          i === 0 ? 'market' : `universe[${i - 1}]`,
          `unknown symbol ${symbol}`,
        );
    }
    return config;
  }

  /** Validates, enqueues on the workers and writes the audit row. */
  async start(input: unknown, actor: string): Promise<TrainingJobView> {
    const config = await this.validate(input);
    const jobId = await this.queue.enqueue(config);
    await this.audit(actor, 'training.start', jobId, config);
    return (await this.get(jobId))!;
  }

  /**
   * The audit row of a training started without the queue (the CLI's in-process mode), so
   * every training leaves one whichever way it ran.
   */
  async auditStart(actor: string, jobId: string, config: TrainingPayload): Promise<void> {
    await this.audit(actor, 'training.start', jobId, config);
  }

  /**
   * Stops a job: a running one sees the flag within its poll interval (mid-training too), a
   * waiting one is removed outright. False when there is no such job or it has already ended.
   */
  async cancel(id: string, actor: string): Promise<boolean> {
    const job = await this.trainingJob(id);
    if (!job) return false;
    const state = await job.getState();
    if (state === 'completed' || state === 'failed') return false;
    await this.deps.redis.set(trainingCancelKey(id), actor, 'EX', CANCEL_FLAG_TTL_S);
    if (state === 'waiting' || state === 'delayed' || state === 'prioritized')
      await job.remove().catch(() => undefined);
    await this.deps.repos.audit.append({ actor, action: 'training.cancel', target: id, details: { state } });
    return true;
  }

  /** True once `cancel` flagged the job. */
  async isCancelled(id: string): Promise<boolean> {
    return (await this.deps.redis.exists(trainingCancelKey(id))) === 1;
  }

  async get(id: string): Promise<TrainingJobView | null> {
    const job = await this.trainingJob(id);
    return job ? presentJob(job) : null;
  }

  /** The newest `first` training jobs (1–100, default 20), newest first. */
  async list(first = 20): Promise<TrainingJobView[]> {
    const n = Math.min(Math.max(first, 1), 100);
    const jobs = await this.queue.queue.getJobs(
      ['active', 'waiting', 'delayed', 'completed', 'failed'],
      0,
      n * 2,
    );
    return Promise.all(
      jobs
        .filter((j): j is Job => !!j && j.name === TRAINING_JOB)
        .sort((a, b) => b.timestamp - a.timestamp)
        .slice(0, n)
        .map(presentJob),
    );
  }

  close(): Promise<void> {
    return this.queue.close();
  }

  private async trainingJob(id: string): Promise<Job | null> {
    const job = await this.queue.queue.getJob(id);
    return job && job.name === TRAINING_JOB ? job : null;
  }

  private audit(actor: string, action: string, target: string, config: TrainingPayload) {
    return this.deps.repos.audit.append({
      actor,
      action,
      target,
      details: {
        modelName: config.modelName,
        seed: config.seed,
        universe: config.universe ?? [config.market],
      },
    });
  }
}

async function presentJob(job: Job): Promise<TrainingJobView> {
  const parsed = trainingProgressSchema.safeParse(job.progress);
  const progress = parsed.success ? parsed.data : null;
  const result = (job.returnvalue ?? null) as {
    runId?: string;
    modelName?: string;
    modelVersion?: number;
    modelSet?: string;
    versions?: Array<{ modelName: string; version: number }>;
  } | null;
  return {
    id: job.id!,
    state: await job.getState(),
    failedReason: job.failedReason ?? null,
    progress,
    runId: result?.runId ?? progress?.runId ?? null,
    modelName: result?.modelName ?? null,
    modelVersion: result?.modelVersion ?? null,
    modelSet: result?.modelSet ?? null,
    versions: (result?.versions ?? []).map(({ modelName, version }) => ({ modelName, version })),
  };
}
