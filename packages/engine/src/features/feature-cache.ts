import type { Redis } from '@tradeplane/platform';
import { LRUCache } from 'lru-cache';

export type FeatureValues = Record<string, number | null>;

export interface CacheStats {
  redisErrors: number;
}

/**
 * Two cache tiers in front of direct computation: an in-process LRU (no I/O, microseconds)
 * and Redis (shared by engine replicas, TTL'd). Redis is optional at every call: an error,
 * timeout or missing connection counts and falls through, so a Redis outage costs speed,
 * never correctness.
 */
export class FeatureCache {
  private readonly lru: LRUCache<string, FeatureValues>;
  readonly stats: CacheStats = { redisErrors: 0 };

  constructor(
    private readonly redis: Redis | null,
    private readonly ttlSeconds: number,
    lruMax: number,
  ) {
    this.lru = new LRUCache({ max: lruMax, ttl: ttlSeconds * 1000 });
  }

  getLocal(key: string): FeatureValues | undefined {
    return this.lru.get(key);
  }

  setLocal(key: string, values: FeatureValues): void {
    this.lru.set(key, values);
  }

  async getShared(key: string): Promise<FeatureValues | undefined> {
    if (!this.redisUsable()) return undefined;
    try {
      const raw = await this.redis!.get(key);
      return raw ? (JSON.parse(raw) as FeatureValues) : undefined;
    } catch {
      this.stats.redisErrors++;
      return undefined;
    }
  }

  /** Fire-and-forget: the response never waits for Redis. */
  setShared(key: string, values: FeatureValues): void {
    if (!this.redisUsable()) return;
    this.redis!.set(key, JSON.stringify(values), 'EX', this.ttlSeconds).catch(() => {
      this.stats.redisErrors++;
    });
  }

  clearLocal(): void {
    this.lru.clear();
  }

  private redisUsable(): boolean {
    return this.redis !== null && this.redis.status === 'ready';
  }
}
