import type { Clock } from '../clock.js';
import type { CustomerSide } from '../services/customer-side.js';
import type { PaymentsService } from '../services/payments.js';
import type { Payouts } from '../services/payouts.js';
import type { RefundsService } from '../services/refunds.js';
import type { Db } from '../store/database.js';
import { paymentsRepository } from '../store/repositories/payments.js';
import { refundsRepository } from '../store/repositories/refunds.js';

/** How many due items of one kind are read at a time. */
const BATCH = 200;

/** What one run processed: each count is of items this process moved (another process may have taken others). */
export interface DueRun {
  payments: number;
  refunds: number;
  checkins: number;
  payouts: number;
}

/**
 * The due-timer worker. Every timeout is a due time kept on its row, written in the transaction that entered
 * the state (payment and refund `expires_at`, check-in `expires_at`, the next payout). A run processes every
 * item due at platform time `now`, each in a transaction of its own whose conditional update is the claim: when
 * several processes run together on one PostgreSQL, or a timer races a client's request, exactly one moves the
 * item and the others find it moved. Nothing is kept in memory, so a restart loses no timer: one that fell due
 * while the platform was down is processed by the first run after start. A notification's next attempt is due
 * in platform time too, but its delivery worker (notification-deliveries.ts) runs it: a run here never waits
 * for an integrator's receiver.
 */
export class DueTimers {
  #running: Promise<DueRun> | null = null;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly payments: PaymentsService,
    private readonly refunds: RefundsService,
    private readonly customers: CustomerSide,
    private readonly payouts: Payouts,
  ) {}

  /** Processes everything due now. Runs of one process never overlap: a second caller waits for the run under way, then runs. */
  async runDue(): Promise<DueRun> {
    while (this.#running) await this.#running.catch(() => undefined);
    this.#running = this.#run(this.clock.now());
    try {
      return await this.#running;
    } finally {
      this.#running = null;
    }
  }

  async #run(now: number): Promise<DueRun> {
    return {
      payments: await drain(
        (limit) => paymentsRepository.listDue(this.db, now, limit),
        (payment) => this.db.transaction().execute((trx) => this.payments.expire(trx, payment, now)),
      ),
      refunds: await drain(
        (limit) => refundsRepository.listDue(this.db, now, limit),
        (refund) => this.db.transaction().execute((trx) => this.refunds.expire(trx, refund, now)),
      ),
      checkins: await this.customers.expireCheckins(now),
      payouts: await this.payouts.runDue(now),
    };
  }
}

/**
 * Reads due items a batch at a time and processes each; stops when a batch moved nothing (what is left was
 * taken by another process or is no longer due). The number this process moved.
 */
async function drain<T>(list: (limit: number) => Promise<T[]>, process: (item: T) => Promise<boolean>): Promise<number> {
  let moved = 0;
  for (;;) {
    const batch = await list(BATCH);
    let movedNow = 0;
    for (const item of batch) if (await process(item)) movedNow++;
    moved += movedNow;
    if (batch.length < BATCH || movedNow === 0) return moved;
  }
}
