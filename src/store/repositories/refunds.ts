import type { RefundStatus } from '../../domain/refund-state.js';
import { compiledOnce } from '../compiled-once.js';
import type { Db } from '../database.js';
import type { NewRefund, Refund, RefundUpdate } from '../schema.js';
import type { TimerGuard } from './payments.js';

const byId = compiledOnce((db) => db.selectFrom('refunds').selectAll().where('refund_id', '=', ''));

export const refundsRepository = {
  async insert(db: Db, refund: NewRefund): Promise<void> {
    await db.insertInto('refunds').values(refund).execute();
  },

  async findById(db: Db, refundId: string): Promise<Refund | undefined> {
    return (await byId(db, [refundId]))[0];
  },

  async listIdsByPayment(db: Db, paymentId: string): Promise<string[]> {
    const rows = await db
      .selectFrom('refunds')
      .select('refund_id')
      .where('payment_id', '=', paymentId)
      .orderBy('created_at')
      .orderBy('refund_id')
      .execute();
    return rows.map((r) => r.refund_id);
  },

  /** Saves a state change only if the refund is still in `from` (see paymentsRepository.transition). */
  async transition(db: Db, refundId: string, from: RefundStatus, changes: RefundUpdate, guard: TimerGuard = {}): Promise<boolean> {
    let query = db.updateTable('refunds').set(changes).where('refund_id', '=', refundId).where('status', '=', from);
    if (guard.dueBy !== undefined) query = query.where('expires_at', '<=', guard.dueBy);
    const result = await query.executeTakeFirst();
    return result.numUpdatedRows > 0n;
  },

  listDue(db: Db, now: number, limit: number): Promise<Pick<Refund, 'refund_id' | 'status' | 'expires_at'>[]> {
    return db
      .selectFrom('refunds')
      .select(['refund_id', 'status', 'expires_at'])
      .where('expires_at', '<=', now)
      .orderBy('expires_at')
      .limit(limit)
      .execute();
  },
};
