import { Counter, Gauge, type Registry } from 'prom-client';

import type { PublisherStats } from './buffered-publisher';

/** What the metrics read from a publisher at scrape time. */
export interface StatsSource {
  readonly topic: string;
  stats(): PublisherStats;
}

/**
 * Prometheus series for every publisher on a registry, labelled by topic. Values are read
 * from `stats()` when Prometheus scrapes, so `publish()` never touches prom-client (label
 * lookups would cost more than the publish itself).
 */
class PublisherMetrics {
  readonly sources = new Set<StatsSource>();

  constructor(registry: Registry) {
    const sources = this.sources;
    const registers = [registry];
    const labelNames = ['topic'] as const;
    const gauge = (name: string, help: string, read: (s: PublisherStats) => number): void => {
      new Gauge({
        name,
        help,
        labelNames,
        registers,
        collect() {
          this.reset();
          for (const source of sources) this.inc({ topic: source.topic }, read(source.stats()));
        },
      });
    };
    const counter = (name: string, help: string, read: (s: PublisherStats) => number): void => {
      new Counter({
        name,
        help,
        labelNames,
        registers,
        collect() {
          // The publisher's own counts are monotonic, so re-reading them is a valid counter.
          this.reset();
          for (const source of sources) this.inc({ topic: source.topic }, read(source.stats()));
        },
      });
    };
    gauge('tp_event_publisher_buffered', 'Events held in memory, in flight included.', (s) => s.buffered);
    gauge('tp_event_publisher_spilled', 'Events in the disk spill waiting to be sent.', (s) => s.spilled);
    gauge(
      'tp_event_publisher_oldest_unsent_age_seconds',
      'Age of the oldest event not yet acknowledged by Kafka (0 when none).',
      (s) => s.oldestUnsentAgeMs / 1000,
    );
    counter('tp_event_publisher_published_total', 'Events handed to publish().', (s) => s.published);
    counter('tp_event_publisher_sent_total', 'Events acknowledged by Kafka.', (s) => s.sent);
    counter(
      'tp_event_publisher_spilled_total',
      'Events moved from memory to the disk spill.',
      (s) => s.spilledTotal,
    );
    counter(
      'tp_event_publisher_send_failures_total',
      'Failed send attempts (batches).',
      (s) => s.sendFailures,
    );
    new Counter({
      name: 'tp_event_publisher_dropped_total',
      help: 'Events that can never be sent (unserializable, too large, corrupt spill line, published after close).',
      labelNames: ['topic', 'reason'],
      registers,
      collect() {
        this.reset();
        for (const source of sources) {
          for (const [reason, n] of Object.entries(source.stats().dropped)) {
            this.inc({ topic: source.topic, reason }, n);
          }
        }
      },
    });
  }
}

const byRegistry = new WeakMap<Registry, PublisherMetrics>();

/** Adds a publisher to the registry's series; the returned function removes it. */
export function attachPublisherMetrics(registry: Registry, source: StatsSource): () => void {
  let metrics = byRegistry.get(registry);
  if (!metrics) {
    metrics = new PublisherMetrics(registry);
    byRegistry.set(registry, metrics);
  }
  const sources = metrics.sources;
  sources.add(source);
  return () => {
    sources.delete(source);
  };
}
