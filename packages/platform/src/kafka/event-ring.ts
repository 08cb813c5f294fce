/** What a publisher accepts as an event body: a JSON string, or an object serialized later. */
export type EventValue = string | object;

/**
 * A FIFO of events in preallocated parallel arrays: `push` and `drop` are O(1) and allocate
 * nothing (an array-backed queue with `Array.shift` is O(n) per call); `grow` doubles it for
 * a caller that wants it unbounded. Freed slots are cleared so no event stays reachable.
 */
export class EventRing {
  private keys: Array<string | undefined>;
  private values: Array<EventValue | undefined>;
  private times: Float64Array;
  private head = 0;
  private count = 0;

  constructor(private cap: number) {
    if (!Number.isInteger(cap) || cap < 1) throw new RangeError(`ring capacity ${cap} must be >= 1`);
    this.keys = new Array<string | undefined>(cap).fill(undefined);
    this.values = new Array<EventValue | undefined>(cap).fill(undefined);
    this.times = new Float64Array(cap);
  }

  get capacity(): number {
    return this.cap;
  }

  /** Doubles the capacity, keeping the order (O(n), so amortized O(1) per push). */
  grow(): void {
    const keys = new Array<string | undefined>(this.cap * 2).fill(undefined);
    const values = new Array<EventValue | undefined>(this.cap * 2).fill(undefined);
    const times = new Float64Array(this.cap * 2);
    for (let i = 0; i < this.count; i++) {
      const slot = (this.head + i) % this.cap;
      keys[i] = this.keys[slot];
      values[i] = this.values[slot];
      times[i] = this.times[slot]!;
    }
    this.keys = keys;
    this.values = values;
    this.times = times;
    this.head = 0;
    this.cap *= 2;
  }

  get size(): number {
    return this.count;
  }

  get full(): boolean {
    return this.count === this.cap;
  }

  /** Adds at the tail; the caller checks `full` first. */
  push(key: string, value: EventValue, at: number): void {
    const slot = (this.head + this.count) % this.cap;
    this.keys[slot] = key;
    this.values[slot] = value;
    this.times[slot] = at;
    this.count++;
  }

  /** Drops the oldest `n` events (after they were sent or moved elsewhere). */
  drop(n: number): void {
    for (let i = 0; i < n && this.count > 0; i++) {
      this.keys[this.head] = undefined;
      this.values[this.head] = undefined;
      this.head = (this.head + 1) % this.cap;
      this.count--;
    }
  }

  /** The `i`-th oldest event's key (0 = head); `i` must be < size. */
  keyAt(i: number): string {
    return this.keys[(this.head + i) % this.cap]!;
  }

  valueAt(i: number): EventValue {
    return this.values[(this.head + i) % this.cap]!;
  }

  /** Replaces the `i`-th oldest value, e.g. with its serialized form so a retry reuses it. */
  setValueAt(i: number, value: EventValue): void {
    this.values[(this.head + i) % this.cap] = value;
  }

  timeAt(i: number): number {
    return this.times[(this.head + i) % this.cap]!;
  }
}
