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

/**
 * A worker for one catalog job. The payload is parsed again when dequeued (a malformed job
 * fails with a clear error instead of running). Handlers must be idempotent: BullMQ is
 * at-least-once and a stalled job may run twice.
 */
export function createJobWorker<N extends JobName>(
  name: N,
  connection: Redis,
  handler: (payload: JobPayload<N>, job: Job) => Promise<unknown>,
  options: Omit<WorkerOptions, 'connection'> = {},
): Worker {
  const entry = jobCatalog[name];
  return new Worker(
    entry.queue,
    async (job) => {
      const parsed = entry.payload.safeParse(job.data);
      if (!parsed.success) {
        const detail = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
        throw new Error(`invalid ${name} payload: ${detail}`);
      }
      return handler(parsed.data as JobPayload<N>, job);
    },
    { connection, ...options },
  );
}
