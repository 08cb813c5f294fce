/**
 * The trading state as the decision path sees it: one value in memory (ACTIVE, HALTED or
 * REDUCING), read by every predict.
 *
 * Halts live in PostgreSQL (`trading_halts`, at most one open halt: HALTED while one is open,
 * ACTIVE otherwise) and the state travels between processes as TradingStatus JSON on Redis
 * `tp:trading-state`. REDUCING arrives only as a message for now (nothing stores it), so the
 * next database read puts back what is stored. The engine loads it at start,
 * applies every message, and re-reads it on its poll (a message lost during a Redis reconnect
 * is caught there). A leakage alarm halts here first, in memory and synchronously, so the
 * very next predict answers 503; writing the halt, auditing it and telling the other
 * processes happen afterwards, off the request path.
 */
import type { TradingState, TradingStatus } from '@tradeplane/contracts';

export interface HaltEffects {
  /**
   * Stores the halt and audits it (`repos.tradingHalts.halt` + `repos.audit`); may reject.
   * Resolves with the open halt: ours (`created`), or one that someone opened first.
   */
  persist(status: TradingStatus): Promise<{ state: TradingStatus; created: boolean }>;
  /** Tells the other processes (Redis `tp:trading-state`); fire-and-forget. */
  publish(status: TradingStatus): void;
  onError(err: unknown, attempt: number): void;
}

export const TRADING_ACTIVE: TradingStatus = Object.freeze({
  state: 'ACTIVE',
  cause: null,
  actor: null,
  since: null,
});

export class TradingHaltController {
  private status: TradingStatus = TRADING_ACTIVE;
  /** A local halt not yet stored: a stale "not halted" read must not undo it meanwhile. */
  private persisting = false;
  private retryTimer: NodeJS.Timeout | undefined;
  /** Whether the state was read from the database at least once. */
  loaded = false;

  constructor(
    private readonly effects: HaltEffects,
    private readonly clock: () => number,
    private readonly retryMs = 2_000,
    private readonly maxAttempts = 30,
  ) {}

  /** What predict checks. */
  get state(): TradingState {
    return this.status.state;
  }

  get current(): TradingStatus {
    return this.status;
  }

  /**
   * A status read from the database or received on Redis. While a local halt is still being
   * stored, any other state is older than it and is ignored.
   */
  apply(status: TradingStatus, fromDatabase = false): void {
    if (fromDatabase) this.loaded = true;
    if (status.state !== 'HALTED' && this.persisting) return;
    this.status = Object.freeze({ ...status });
  }

  /**
   * Halts now, in memory; stores, audits and publishes afterwards (retrying the store while
   * it fails). Returns false when trading was already halted (nothing more is written); a halt
   * overrides REDUCING.
   */
  haltNow(cause: string, actor: string): boolean {
    if (this.status.state === 'HALTED') return false;
    const halted: TradingStatus = Object.freeze({
      state: 'HALTED',
      cause,
      actor,
      since: new Date(this.clock()).toISOString(),
    });
    this.status = halted;
    this.persisting = true;
    let published = false;
    const attempt = (n: number) => {
      // Superseded (resumed, or halted again with another cause) while waiting to retry.
      if (this.status !== halted) {
        this.persisting = false;
        return;
      }
      this.effects.persist(halted).then(
        (stored) => {
          this.persisting = false;
          if (this.status === halted) this.status = Object.freeze({ ...stored.state });
          // Whoever opened the halt tells the others; a halt opened first by someone else was told.
          if (stored.created && !published) this.effects.publish(stored.state);
        },
        (err: unknown) => {
          this.effects.onError(err, n);
          // The other processes learn of the halt even while the database is away.
          if (!published) {
            published = true;
            this.effects.publish(halted);
          }
          if (n >= this.maxAttempts) {
            this.persisting = false;
            return;
          }
          this.retryTimer = setTimeout(() => attempt(n + 1), this.retryMs);
          this.retryTimer.unref();
        },
      );
    };
    setImmediate(() => attempt(1));
    return true;
  }

  stop(): void {
    clearTimeout(this.retryTimer);
  }
}
