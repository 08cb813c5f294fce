import { Redis, type RedisOptions } from 'ioredis';

export { Redis };

/**
 * Connection for BullMQ and pub/sub on the queue instance. BullMQ requires
 * `maxRetriesPerRequest: null` so blocking commands are never cut short.
 */
export function createQueueConnection(url: string, extra: RedisOptions = {}): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, ...extra });
}

/**
 * Connection for the cache instance (the gateway's mirror of recent decisions). Fails fast (no
 * offline queue, no retry) so a cache outage costs one short timeout, after which callers go on
 * without it.
 */
export function createCacheConnection(url: string, extra: RedisOptions = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    connectTimeout: 500,
    commandTimeout: 200,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    lazyConnect: false,
    ...extra,
  });
}
