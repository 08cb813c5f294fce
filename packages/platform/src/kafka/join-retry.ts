import type { Logger } from '../logging';

export interface RetriedJoin {
  /** Resolves once `join` succeeded, or once the retries were stopped. */
  done: Promise<void>;
  /** Stops retrying (a wait in progress ends at once); `done` then resolves. */
  stop(): Promise<void>;
}

/**
 * Runs `join` (joining a consumer group) until it succeeds, waiting 0.5 s, 1 s, 2 s … up to
 * 30 s between failed attempts, so a process starts (and serves) while Kafka is still coming
 * up and consumes as soon as it answers.
 */
export function retryJoin(join: () => Promise<void>, log: Logger, what: string): RetriedJoin {
  let stopped = false;
  let wake: (() => void) | null = null;
  const done = (async () => {
    for (let attempt = 1; !stopped; attempt++) {
      try {
        await join();
        return;
      } catch (err) {
        const waitMs = Math.min(30_000, 500 * 2 ** Math.min(attempt - 1, 6));
        log.warn({ err, attempt, retryInMs: waitMs }, `could not join ${what}; retrying`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, waitMs);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = null;
      }
    }
  })();
  return {
    done,
    async stop() {
      stopped = true;
      (wake as (() => void) | null)?.();
      await done;
    },
  };
}

/**
 * Starts a consumer in the background, its join retried as by `retryJoin`, and returns how to
 * stop it in order: the retries, then the consumer (the batch in hand), then the Kafka clients.
 */
export function joinInBackground(
  consumer: { start(): Promise<void>; stop(): Promise<void> },
  kafka: { close(): Promise<void> },
  log: Logger,
  what: string,
): { stop(): Promise<void> } {
  const joining = retryJoin(() => consumer.start(), log, what);
  return {
    async stop() {
      await joining.stop();
      await consumer.stop();
      await kafka.close();
    },
  };
}
