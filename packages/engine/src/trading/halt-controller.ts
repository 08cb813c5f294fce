/**
 * The trading halt as the decision path sees it: one boolean in memory, read by every predict.
 *
 * The state lives in PostgreSQL (`trading_halts`, at most one open halt) and travels between
 * processes as TradingState JSON on Redis `tp:trading-state`. The engine loads it at start,
 * applies every message, and re-reads it on its poll (a message lost during a Redis reconnect
 * is caught there). A leakage alarm halts here first, in memory and synchronously, so the
 * very next predict answers 503; writing the halt, auditing it and telling the other
 * processes happen afterwards, off the request path.
 */
import type { TradingState } from '@tradeplane/contracts';

export interface HaltEffects {
  /**
   * Stores the halt and audits it (`repos.tradingHalts.halt` + `repos.audit`); may reject.
   * Resolves with the open halt: ours (`created`), or one that someone opened first.
   */
  persist(state: TradingState): Promise<{ state: TradingState; created: boolean }>;
  /** Tells the other processes (Redis `tp:trading-state`); fire-and-forget. */
  publish(state: TradingState): void;
  onError(err: unknown, attempt: number): void;
}

export const TRADING_ACTIVE: TradingState = Object.freeze({
  halted: false,
  cause: null,
  actor: null,
  since: null,
});

export class TradingHaltController {
  private state: TradingState = TRADING_ACTIVE;
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
  get halted(): boolean {
    return this.state.halted;
  }

  get current(): TradingState {
    return this.state;
  }

  /**
   * A state read from the database or received on Redis. While a local halt is still being
   * stored, a "not halted" state is older than it and is ignored.
   */
  apply(state: TradingState, fromDatabase = false): void {
    if (fromDatabase) this.loaded = true;
    if (!state.halted && this.persisting) return;
    this.state = Object.freeze({ ...state });
  }

  /**
   * Halts now, in memory; stores, audits and publishes afterwards (retrying the store while
   * it fails). Returns false when trading was already halted (nothing more is written).
   */
  haltNow(cause: string, actor: string): boolean {
    if (this.state.halted) return false;
    const state: TradingState = Object.freeze({
      halted: true,
      cause,
      actor,
      since: new Date(this.clock()).toISOString(),
    });
    this.state = state;
    this.persisting = true;
    let published = false;
    const attempt = (n: number) => {
      // Superseded (resumed, or halted again with another cause) while waiting to retry.
      if (this.state !== state) {
        this.persisting = false;
        return;
      }
      this.effects.persist(state).then(
        (stored) => {
          this.persisting = false;
          if (this.state === state) this.state = Object.freeze({ ...stored.state });
          // Whoever opened the halt tells the others; a halt opened first by someone else was told.
          if (stored.created && !published) this.effects.publish(stored.state);
        },
        (err: unknown) => {
          this.effects.onError(err, n);
          // The other processes learn of the halt even while the database is away.
          if (!published) {
            published = true;
            this.effects.publish(state);
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
