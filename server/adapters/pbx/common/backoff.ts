/** Reconnect delays: about 1 s, doubling to 30 s, each with ±20 % jitter so adapters do not stampede. */
export class Backoff {
  private attempt = 0;

  constructor(
    private readonly random: () => number = Math.random,
    private readonly firstMs = 1000,
    private readonly maxMs = 30_000,
  ) {}

  /** The delay before the next attempt. */
  next(): number {
    const base = Math.min(this.maxMs, this.firstMs * 2 ** this.attempt);
    this.attempt = Math.min(this.attempt + 1, 20);
    return Math.round(base * (0.8 + 0.4 * this.random()));
  }

  /** After a connection that worked: start again from the first delay. */
  reset(): void {
    this.attempt = 0;
  }
}
