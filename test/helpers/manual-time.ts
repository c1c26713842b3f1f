import type { TimeSource } from '../../src/clock.js';

/** A wall-time source a test moves by hand. */
export class ManualTime {
  constructor(public ms: number = Date.parse('2026-01-05T10:00:00Z')) {}
  readonly read: TimeSource = () => this.ms;
  advance(ms: number): void {
    this.ms += ms;
  }
}
