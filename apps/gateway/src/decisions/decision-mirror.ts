import type { DecisionEvent } from '@tradeplane/contracts';
import type { Redis } from '@tradeplane/platform';

export interface DecisionMirrorOptions {
  /** Ids kept per list (all decisions, and each symbol's). */
  size: number;
  /** Seconds a decision (and an idle list) lives. */
  ttlS: number;
  /** Key prefix; tests give their own. */
  prefix?: string;
}

/**
 * Recent decisions in Redis, for `recentDecisions` and `decision(id)` (which reads the decision
 * stored with its forensics once it is gone from here), and for telling a pending explanation
 * from an unknown id: one JSON value per decision (with a TTL) and capped lists of ids, newest
 * first, for all decisions and per symbol. Values are written with NX, so the replicas of the
 * gateway (each consuming the whole topic) and Kafka's at-least-once redeliveries list a decision
 * once.
 */
export class DecisionMirror {
  private readonly prefix: string;

  constructor(
    private readonly redis: Redis,
    private readonly options: DecisionMirrorOptions,
  ) {
    this.prefix = options.prefix ?? 'tp:decisions';
  }

  /** Stores the decisions (oldest first) and returns the ones not stored before, in the same order. */
  async add(events: readonly DecisionEvent[]): Promise<DecisionEvent[]> {
    if (events.length === 0) return [];
    const set = this.redis.pipeline();
    for (const e of events) set.set(this.decisionKey(e.id), JSON.stringify(e), 'EX', this.options.ttlS, 'NX');
    const results = (await set.exec()) ?? [];
    const fresh = events.filter((_, i) => {
      const [err, reply] = results[i] ?? [null, null];
      if (err) throw err;
      return reply === 'OK';
    });
    if (fresh.length === 0) return fresh;

    // LPUSH puts its last argument first: pushing oldest → newest leaves the newest at the head.
    const lists = new Map<string, string[]>([[this.listKey(), fresh.map((e) => e.id)]]);
    for (const e of fresh) {
      for (const symbol of new Set(e.targets.map((t) => t.symbol))) {
        const key = this.listKey(symbol);
        const ids = lists.get(key);
        if (ids) ids.push(e.id);
        else lists.set(key, [e.id]);
      }
    }
    const push = this.redis.multi();
    for (const [key, ids] of lists) {
      push.lpush(key, ...ids);
      push.ltrim(key, 0, this.options.size - 1);
      push.expire(key, this.options.ttlS);
    }
    await push.exec();
    return fresh;
  }

  /** Up to `first` decisions, newest first; of one symbol when given. */
  async recent(first: number, symbol?: string): Promise<DecisionEvent[]> {
    const ids = await this.redis.lrange(this.listKey(symbol), 0, first - 1);
    if (ids.length === 0) return [];
    const values = await this.redis.mget(ids.map((id) => this.decisionKey(id)));
    // An id outlives its value when the value expired or the cache evicted it: skipped.
    return values.flatMap((v) => (v ? [JSON.parse(v) as DecisionEvent] : []));
  }

  async get(id: string): Promise<DecisionEvent | null> {
    const value = await this.redis.get(this.decisionKey(id));
    return value ? (JSON.parse(value) as DecisionEvent) : null;
  }

  private decisionKey(id: string): string {
    return `${this.prefix}:by-id:${id}`;
  }

  private listKey(symbol?: string): string {
    return symbol ? `${this.prefix}:recent:${symbol}` : `${this.prefix}:recent`;
  }
}
