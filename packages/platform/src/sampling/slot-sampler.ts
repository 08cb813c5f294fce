/**
 * Thins a stream (the gateway's sampled decisions, the ledger's recorded outcomes) to at most
 * `perSecond` events per second. Time is cut into slots of 1/perSecond s and each slot lets
 * one event through, so the stream stays evenly spread under bursts instead of sending a whole
 * second's allowance at once. The slot number is also the key replicas claim in Redis, which
 * makes the cap hold across replicas.
 */
export class SlotSampler {
  readonly slotMs: number;
  private lastSlot = -1;

  constructor(perSecond: number) {
    if (!(perSecond > 0)) throw new RangeError(`perSecond must be > 0, got ${perSecond}`);
    this.slotMs = 1000 / perSecond;
  }

  /** The slot to claim for an event at `nowMs`, or null when this slot already let one through. */
  take(nowMs: number): number | null {
    const slot = Math.floor(nowMs / this.slotMs);
    if (slot <= this.lastSlot) return null;
    this.lastSlot = slot;
    return slot;
  }
}
