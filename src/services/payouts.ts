import type { Clock } from '../clock.js';
import { DAY } from '../domain/durations.js';
import type { Db } from '../store/database.js';
import { payoutsRepository } from '../store/repositories/payouts.js';
import { platformStateRepository } from '../store/repositories/platform-state.js';

const NEXT_PAYOUT = 'next_payout_at';

/** The first 00:00 UTC strictly after `time`. */
export const nextMidnightUtc = (time: number): number => (Math.floor(time / DAY) + 1) * DAY;

/**
 * The stores' daily payout (SPEC §5, our definition): at 00:00 UTC platform time every store is paid what it
 * captured minus what it refunded since its last payout, so refunds afterwards need new captures.
 */
export class Payouts {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /** Schedules the first payout, unless another process (or an earlier start) did. */
  async ensureScheduled(): Promise<void> {
    await platformStateRepository.initialize(this.db, NEXT_PAYOUT, nextMidnightUtc(this.clock.now()));
  }

  /**
   * Runs the scheduled payout if it is due at `now`, and schedules the next one after `now` (a platform that
   * was down for days pays out once). Moving the schedule is a compare-and-set in the payout's transaction,
   * so when several processes run this together exactly one pays. The number of stores paid.
   */
  async runDue(now: number): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const due = await platformStateRepository.get(trx, NEXT_PAYOUT);
      if (due === undefined || due > now) return 0;
      if (!(await platformStateRepository.compareAndSet(trx, NEXT_PAYOUT, due, nextMidnightUtc(now)))) return 0;
      return payoutsRepository.payOutAll(trx, due);
    });
  }

  /** An operator's payout outside the schedule (the schedule stays as it is). */
  payOutNow(): Promise<number> {
    const now = this.clock.now();
    return this.db.transaction().execute((trx) => payoutsRepository.payOutAll(trx, now));
  }
}
