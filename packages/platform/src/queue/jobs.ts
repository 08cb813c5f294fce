import { jobCatalog, type JobName } from '@tradeplane/contracts';
import { Queue, Worker, type Job, type JobsOptions, type WorkerOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { z } from 'zod';

export type { Job };
export type JobPayload<N extends JobName> = z.infer<(typeof jobCatalog)[N]['payload']>;

/** A BullMQ queue for one catalog job; payloads are validated before they are enqueued. */
export class JobQueue<N extends JobName> {
  readonly queue: Queue;

  constructor(
    readonly name: N,
    connection: Redis,
  ) {
    this.queue = new Queue(jobCatalog[name].queue, { connection });
  }

  async enqueue(payload: JobPayload<N>, options: JobsOptions = {}): Promise<string> {
    const entry = jobCatalog[this.name];
    const data = entry.payload.parse(payload);
    const job = await this.queue.add(this.name, data, {
      attempts: entry.attempts,
      backoff: { type: 'exponential', delay: 1000 },
      removeOnComplete: { count: 1000 },
      removeOnFail: { count: 1000 },
      ...options,
    });
    return job.id!;
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}

export type JobHandler<N extends JobName> = (payload: JobPayload<N>, job: Job) => Promise<unknown>;
export type JobHandlers = { [N in JobName]?: JobHandler<N> };

/**
 * A worker for the catalog jobs of one queue, dispatching on the job name. Each payload is
 * parsed again when dequeued (a malformed job fails with a clear error instead of running).
 * Handlers must be idempotent: BullMQ is at-least-once and a stalled job may run twice.
 */
export function createJobWorker(
  handlers: JobHandlers,
  connection: Redis,
  options: Omit<WorkerOptions, 'connection'> = {},
): Worker {
  const names = Object.keys(handlers) as JobName[];
  const queue = jobCatalog[names[0]!].queue;
  if (names.some((n) => jobCatalog[n].queue !== queue)) {
    throw new Error(`createJobWorker: jobs ${names.join(', ')} do not share one queue`);
  }
  return new Worker(
    queue,
    async (job) => {
      const name = job.name as JobName;
      const handler = handlers[name] as JobHandler<JobName> | undefined;
      if (!handler) throw new Error(`no handler for job '${job.name}' on queue ${queue}`);
      const parsed = jobCatalog[name].payload.safeParse(job.data);
      if (!parsed.success) {
        const detail = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
        throw new Error(`invalid ${name} payload: ${detail}`);
      }
      return handler(parsed.data as JobPayload<JobName>, job);
    },
    { connection, ...options },
  );
}
