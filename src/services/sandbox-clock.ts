import type { Clock } from '../clock.js';
import type { Db } from '../store/database.js';
import { platformStateRepository } from '../store/repositories/platform-state.js';

const OFFSET = 'sandbox_clock_offset';

/**
 * The sandbox clock (SPEC §9): platform time is wall time plus an offset kept in the database, so every
 * process sharing the database sees the same time. It only moves forward: the offset only grows, atomically.
 */
export class SandboxClock {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /** Takes over the offset another process may have moved (at start, and on every worker tick). */
  async sync(): Promise<void> {
    await platformStateRepository.initialize(this.db, OFFSET, 0);
    this.clock.useOffset((await platformStateRepository.get(this.db, OFFSET)) ?? 0);
  }

  /** Moves platform time forward by `ms` for every process; answers the new platform time. */
  async advance(ms: number): Promise<number> {
    await platformStateRepository.initialize(this.db, OFFSET, 0);
    this.clock.useOffset(await platformStateRepository.add(this.db, OFFSET, ms));
    return this.clock.now();
  }
}
