import { sql } from 'kysely';
import { ACTIVE_PAYMENT_STATUSES, type PaymentStatus } from '../../domain/payment-state.js';
import { compiledOnce } from '../compiled-once.js';
import { reportingUniqueViolations } from '../constraint-violation.js';
import { cachedPayment, invalidatePayment, readPayment } from '../payment-cache.js';
import type { Db } from '../database.js';
import type { NewPayment, Payment, PaymentUpdate } from '../schema.js';

export interface PaymentIdFilter {
  integratorId: string;
  merchantId: string;
  statuses: readonly PaymentStatus[];
  posId?: string;
  orderId?: string;
}

/** A timer's move also requires its due time to have come (a request may have pushed it back meanwhile). */
export interface TimerGuard {
  dueBy?: number;
}

const byId = compiledOnce((db) => db.selectFrom('payments').selectAll().where('payment_id', '=', ''));
const activeOnPos = compiledOnce((db) =>
  db.selectFrom('payments').selectAll().where('pos_id', '=', '').where('status', 'in', ACTIVE_PAYMENT_STATUSES),
);

export const paymentsRepository = {
  /** Throws UniqueViolation('activePaymentPerPos') when the PoS already has an active payment. */
  async insert(db: Db, payment: NewPayment): Promise<void> {
    invalidatePayment(db, payment.payment_id);
    await reportingUniqueViolations(db.insertInto('payments').values(payment).execute());
  },

  /** Through the payment cache where the engine has one: the polling GET's read. */
  findById(db: Db, paymentId: string): Promise<Payment | undefined> {
    return readPayment(db, paymentId, async () => (await byId(db, [paymentId]))[0]);
  },

  /** The payment if the payment cache holds it, without a query (and without waiting). */
  findCached(db: Db, paymentId: string): Payment | undefined {
    return cachedPayment(db, paymentId);
  },

  /** The PoS's active payment; at most one exists (a partial unique index). */
  async findActiveOnPos(db: Db, posId: string): Promise<Payment | undefined> {
    return (await activeOnPos(db, [posId, ...ACTIVE_PAYMENT_STATUSES]))[0];
  },

  /** Newest first. */
  async listIds(db: Db, filter: PaymentIdFilter, limit?: number): Promise<string[]> {
    let query = db
      .selectFrom('payments')
      .select('payment_id')
      .where('integrator_id', '=', filter.integratorId)
      .where('merchant_id', '=', filter.merchantId)
      .where('status', 'in', filter.statuses);
    if (filter.posId !== undefined) query = query.where('pos_id', '=', filter.posId);
    if (filter.orderId !== undefined) query = query.where('order_id', '=', filter.orderId);
    query = query.orderBy('created_order', 'desc');
    if (limit !== undefined) query = query.limit(limit);
    return (await query.execute()).map((r) => r.payment_id);
  },

  /**
   * Saves a state change only if the payment is still in `from`: the conditional update that turns a lost race
   * into a clean refusal instead of a double capture. False when another request changed it first.
   */
  async transition(db: Db, paymentId: string, from: PaymentStatus, changes: PaymentUpdate, guard: TimerGuard = {}): Promise<boolean> {
    invalidatePayment(db, paymentId);
    let query = db.updateTable('payments').set(changes).where('payment_id', '=', paymentId).where('status', '=', from);
    if (guard.dueBy !== undefined) query = query.where('expires_at', '<=', guard.dueBy);
    const result = await query.executeTakeFirst();
    return result.numUpdatedRows > 0n;
  },

  /** Payments whose current status has timed out at `now`, oldest due first. */
  listDue(db: Db, now: number, limit: number): Promise<Pick<Payment, 'payment_id' | 'status' | 'expires_at'>[]> {
    return db
      .selectFrom('payments')
      .select(['payment_id', 'status', 'expires_at'])
      .where('expires_at', '<=', now)
      .orderBy('expires_at')
      .limit(limit)
      .execute();
  },

  /** Books a refund against the captured amount, atomically: false when it would exceed what is left (1367). */
  async reserveRefundable(db: Db, paymentId: string, amount: number): Promise<boolean> {
    invalidatePayment(db, paymentId);
    const result = await db
      .updateTable('payments')
      .set({ refunded_amount: sql`refunded_amount + ${amount}` })
      .where('payment_id', '=', paymentId)
      .where(sql<boolean>`captured_amount - refunded_amount >= ${amount}`)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  },

  async releaseRefundable(db: Db, paymentId: string, amount: number): Promise<void> {
    invalidatePayment(db, paymentId);
    await db
      .updateTable('payments')
      .set({ refunded_amount: sql`refunded_amount - ${amount}` })
      .where('payment_id', '=', paymentId)
      .execute();
  },
};
