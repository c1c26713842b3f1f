/**
 * The one source of time. Two readings come from one injectable wall-time source:
 * - `now()`: platform time, which drives every payment rule and due timer. In sandbox mode it can be
 *   moved forward (the offset) so integrators can test a 7-day reservation expiry in a second.
 * - `wallNow()`: real elapsed time, for what must not jump with the sandbox clock: access-token expiry
 *   (a test that advances the clock a week must not lose its token), request latencies and log records.
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

  get offsetMs(): number {
    return this.#offsetMs;
  }

  /** Platform time only moves forward: a smaller offset than the current one is ignored. */
  useOffset(offsetMs: number): void {
    if (offsetMs > this.#offsetMs) this.#offsetMs = offsetMs;
  }
}

/** A wall-time source a test moves by hand. */
export class ManualTime {
  constructor(public ms: number = Date.parse('2026-01-05T10:00:00Z')) {}
  readonly read: TimeSource = () => this.ms;
  advance(ms: number): void {
    this.ms += ms;
  }
}
