/**
 * In-process signal from the market-data persister to what waits on stored bars in the same
 * workers process (the outcome ledger resolves decisions waiting for their next bar). It is a
 * nudge, not the delivery guarantee: a listener that misses one (it started later, it threw)
 * catches up on its own periodic sweep of what is still waiting.
 */
export interface BarsStored {
  symbol: string;
  timeframe: string;
  /** Time of the newest bar the batch stored for the series, epoch ms. */
  lastTs: number;
  /** Bars newly inserted by the batch (duplicates excluded). */
  inserted: number;
}

export type BarsStoredListener = (stored: readonly BarsStored[]) => void;

export class BarsStoredSignal {
  private readonly listeners: BarsStoredListener[] = [];

  on(listener: BarsStoredListener): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  /** Calls every listener; one that throws does not stop the others or the persister. */
  emit(stored: readonly BarsStored[]): void {
    if (stored.length === 0) return;
    for (const listener of this.listeners) {
      try {
        listener(stored);
      } catch {
        // a listener's own sweep recovers what it missed
      }
    }
  }
}
