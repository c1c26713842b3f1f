/**
 * The one source of time. Two readings come from one injectable wall-time source:
 * - `now()`: platform time, which drives every payment rule and due timer. In sandbox mode it can be
 *   moved forward (the offset) so integrators can test a 7-day reservation expiry in a second.
 * - `wallNow()`: wall time, which the sandbox clock never moves, for what must not jump with it: access tokens
 *   and the token endpoint's failure blocks (a test that advances the clock a week must not lose its token), the
 *   request log, the retention of idempotency keys and the leases of notification deliveries. Latencies are
 *   read from neither: they are measured with performance.now().
 */
export type TimeSource = () => number;

export class Clock {
  #offsetMs = 0;

  constructor(private readonly wall: TimeSource = Date.now) {}

  /** Platform time, epoch milliseconds. */
  now(): number {
    return this.wall() + this.#offsetMs;
  }

  /** Wall time, epoch milliseconds. */
  wallNow(): number {
    return this.wall();
  }

  /** Platform time only moves forward: a smaller offset than the current one is ignored. */
  useOffset(offsetMs: number): void {
    if (offsetMs > this.#offsetMs) this.#offsetMs = offsetMs;
  }
}
