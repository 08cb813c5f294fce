/**
 * A token bucket: holds up to `capacity` tokens, refills at `ratePerS` tokens a second, and a
 * request takes one. Pure arithmetic over an injected clock (ms), no timers and no allocation
 * per call, so it can sit on the engine's request path.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    readonly ratePerS: number,
    readonly capacity: number,
    private readonly clock: () => number,
  ) {
    this.tokens = capacity;
    this.updatedAt = clock();
  }

  /** Takes a token if there is one. */
  take(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Whole seconds until a token is available (at least 1 when none is: Retry-After's unit). */
  retryAfterS(): number {
    this.refill();
    if (this.tokens >= 1) return 0;
    return Math.max(1, Math.ceil((1 - this.tokens) / this.ratePerS));
  }

  private refill(): void {
    const now = this.clock();
    const elapsedS = (now - this.updatedAt) / 1000;
    if (elapsedS > 0) {
      this.tokens = Math.min(this.capacity, this.tokens + elapsedS * this.ratePerS);
      this.updatedAt = now;
    }
  }
}
