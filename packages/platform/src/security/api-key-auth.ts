import { sha256Hex } from './secrets';

/**
 * Holds the SHA-256 hashes of active API keys in memory (refreshed from the registry on an
 * interval), so checking a key costs one hash and one Set lookup: no database on the path.
 * If a refresh fails the previous set stays in force. Shared by every process that accepts
 * API keys (the engine's HTTP API, the gateway's REST forensics lookup).
 */
export class ApiKeyAuthenticator {
  private hashes = new Set<string>();
  /** Presented keys already verified since the last refresh: skips the hash on repeat calls. */
  private verified = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  /** When an unknown key last caused a reload (scheduled reloads do not count). */
  private lastMissReloadAt = Number.NEGATIVE_INFINITY;
  private refreshing: Promise<void> | null = null;
  lastRefreshError: string | null = null;

  constructor(
    private readonly load: () => Promise<string[]>,
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
        this.hashes = new Set(await this.load());
        this.verified = new Set();
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
   * Valid now, or valid after a reload: a key created a moment ago works at once, while a
   * flood of unknown keys causes at most one reload per `minIntervalMs`.
   */
  async isValidFresh(key: string, minIntervalMs = 1000): Promise<boolean> {
    if (this.isValid(key)) return true;
    if (this.clock() - this.lastMissReloadAt < minIntervalMs) return false;
    this.lastMissReloadAt = this.clock();
    await this.refresh();
    return this.isValid(key);
  }

  /** The key from `x-api-key` or `Authorization: Bearer …`. */
  static keyFrom(headers: Record<string, string | string[] | undefined>): string | null {
    const direct = headers['x-api-key'];
    if (typeof direct === 'string' && direct) return direct;
    const auth = headers.authorization;
    if (typeof auth === 'string' && auth.startsWith('Bearer ')) return auth.slice(7).trim() || null;
    return null;
  }

  isValid(key: string): boolean {
    if (this.verified.has(key)) return true;
    if (!this.hashes.has(sha256Hex(key))) return false;
    if (this.verified.size < 10_000) this.verified.add(key);
    return true;
  }
}
