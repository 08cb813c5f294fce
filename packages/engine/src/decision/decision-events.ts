import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  openDecisionEventPublisher,
  SpoolLockedError,
  type BufferedEventPublisher,
  type DecisionEventsConfig,
  type KafkaAdapter,
  type Logger,
  type Registry,
} from '@tradeplane/platform';

export interface DecisionEvents {
  publisher: BufferedEventPublisher;
  /** Set when the configured spill file was taken and a private one is in use. */
  spoolNote: string | null;
  /** Sends what it can, spills the rest; a private spill directory left empty is removed. */
  close(): Promise<void>;
}

/**
 * The decision-event publisher (topic DECISION_EVENTS_TOPIC, key = decision id): O(1)
 * `publish`, a 10k in-memory buffer, then a durable spill replayed in order.
 *
 * One spill file has one writer. When another live engine holds it (two engines started from
 * one directory, as tests do) this engine must still start: it spills to a private directory
 * instead and says so on /healthz, because what is left there is not replayed by the next
 * process on the configured directory.
 */
export async function openDecisionEvents(
  kafka: KafkaAdapter,
  config: DecisionEventsConfig,
  metrics: Registry,
  log: Logger,
): Promise<DecisionEvents> {
  try {
    const publisher = await openDecisionEventPublisher({ kafka, config, metrics, logger: log });
    return { publisher, spoolNote: null, close: () => publisher.close() };
  } catch (err) {
    if (!(err instanceof SpoolLockedError)) throw err;
    const dir = await mkdtemp(path.join(tmpdir(), 'tradeplane-decision-spool-'));
    const spoolNote = `${err.message}; spilling to ${dir}, which no later engine replays`;
    log.error({ spool: dir }, spoolNote);
    const publisher = await openDecisionEventPublisher({
      kafka,
      config: { ...config, DECISION_EVENTS_SPOOL_DIR: dir },
      metrics,
      logger: log,
    });
    return {
      publisher,
      spoolNote,
      async close() {
        await publisher.close();
        if (publisher.stats().unsent === 0) await rm(dir, { recursive: true, force: true });
      },
    };
  }
}
