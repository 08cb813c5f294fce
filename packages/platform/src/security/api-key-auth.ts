import { sha256Hex } from './secrets';
import { TokenBucket } from './token-bucket';

/** An active key as the registry holds it: its hash and its rate limit (null: unlimited). */
export interface ActiveApiKey {
  keyHash: string;
  rateLimitPerS: number | null;
}

/** The highest per-key limit accepted, far above what one engine serves: "unlimited" is said with null. */
export const MAX_API_KEY_RATE_LIMIT_PER_S = 1_000_000;

/** A rate limit a key may be given: a whole number of requests per second, 1 to the maximum. */
export function isApiKeyRateLimit(value: number): boolean {
  return Number.isInteger(value) && value >= 1 && value <= MAX_API_KEY_RATE_LIMIT_PER_S;
}

/** What a presented key gets: in, refused as unknown (401), or over its rate limit (429). */
export type ApiKeyVerdict = 'ADMITTED' | 'UNKNOWN_KEY' | 'RATE_LIMITED';

/**
 * Holds the SHA-256 hashes of active API keys in memory (refreshed from the registry on an
 * interval), so checking a key costs one hash and one Map lookup: no database on the path.
 * A key with a rate limit has a token bucket beside its hash (capacity one second's worth),
 * so the limit costs a clock read and some arithmetic, no I/O; a key without one (the
 * default, so a trading engine's key is never throttled by accident) has none. Each replica
 * limits on its own: N replicas admit up to N × the limit. If a refresh fails the previous
 * set stays in force. Shared by every process that accepts API keys (the engine's HTTP API,
 * the gateway's REST forensics lookup).
 */
export class ApiKeyAuthenticator {
  /** Key hash → its bucket, or null for an unlimited key. */
  private keys = new Map<string, TokenBucket | null>();
  /** Presented keys already verified since the last refresh: skips the hash on repeat calls. */
  private verified = new Map<string, TokenBucket | null>();
  private timer: NodeJS.Timeout | undefined;
  /** When an unknown key last caused a reload (scheduled reloads do not count). */
  private lastMissReloadAt = Number.NEGATIVE_INFINITY;
  private refreshing: Promise<void> | null = null;
  lastRefreshError: string | null = null;

  constructor(
    private readonly load: () => Promise<ActiveApiKey[]>,
    private readonly clock: () => number = Date.now,
  ) {}

  async start(refreshMs: number): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), refreshMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async refresh(): Promise<void> {
    this.refreshing ??= (async () => {
      try {
        const next = new Map<string, TokenBucket | null>();
        for (const { keyHash, rateLimitPerS } of await this.load()) {
          // A bucket survives a reload while its limit is unchanged, so a reload grants no new burst.
          const current = this.keys.get(keyHash);
          next.set(
            keyHash,
            rateLimitPerS === null
              ? null
              : current?.ratePerS === rateLimitPerS
                ? current
                : new TokenBucket(rateLimitPerS, rateLimitPerS, this.clock),
          );
        }
        this.keys = next;
        this.verified = new Map();
        this.lastRefreshError = null;
      } catch (err) {
        this.lastRefreshError = (err as Error).message;
      } finally {
        this.refreshing = null;
      }
    })();
    return this.refreshing;
  }

  /**
   * Admits now, or after a reload: a key created a moment ago works at once, while a flood
   * of unknown keys causes at most one reload per `minIntervalMs`.
   */
  async admitFresh(key: string, minIntervalMs = 1000): Promise<ApiKeyVerdict> {
    if (this.entry(key) !== undefined) return this.admit(key);
    if (this.clock() - this.lastMissReloadAt < minIntervalMs) return 'UNKNOWN_KEY';
    this.lastMissReloadAt = this.clock();
    await this.refresh();
    return this.admit(key);
  }

  /** Checks the key and, for a limited one, takes a token from its bucket. */
  admit(key: string): ApiKeyVerdict {
    const bucket = this.entry(key);
    if (bucket === undefined) return 'UNKNOWN_KEY';
    return bucket === null || bucket.take() ? 'ADMITTED' : 'RATE_LIMITED';
  }

  /** Seconds until a rate-limited key is admitted again (0 when it would be now). */
  retryAfterS(key: string): number {
    return this.entry(key)?.retryAfterS() ?? 0;
  }

  /** The key is active; takes no token. */
  isValid(key: string): boolean {
    return this.entry(key) !== undefined;
  }

  /** The key's bucket (null: unlimited), or undefined for a key that is not active. */
  private entry(key: string): TokenBucket | null | undefined {
    const known = this.verified.get(key);
    if (known !== undefined) return known;
    const bucket = this.keys.get(sha256Hex(key));
    if (bucket !== undefined && this.verified.size < 10_000) this.verified.set(key, bucket);
    return bucket;
  }

  /** The key from `x-api-key` or `Authorization: Bearer …`. */
  static keyFrom(headers: Record<string, string | string[] | undefined>): string | null {
    const direct = headers['x-api-key'];
    if (typeof direct === 'string' && direct) return direct;
    const auth = headers.authorization;
    if (typeof auth === 'string' && auth.startsWith('Bearer ')) return auth.slice(7).trim() || null;
    return null;
  }
}
