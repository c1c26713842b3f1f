/**
 * An order for rows created in the same millisecond ("the most recent wins"): time in microseconds, made
 * strictly increasing within a process. Across processes it is as good as their clocks; rows of one
 * millisecond from two processes have no meaningful order anyway. Fits a JS number exactly (< 2^53).
 */
export class CreationOrder {
  #last = 0;

  next(nowMs: number): number {
    this.#last = Math.max(nowMs * 1000, this.#last + 1);
    return this.#last;
  }
}

/** The first order a time in milliseconds can have: rows ordered before it were created before that time. */
export const orderAt = (ms: number): number => ms * 1000;
