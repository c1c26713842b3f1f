import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { NewPaymentRecord, Pairing, PaymentDetails, PaymentRecord, PaymentRef, StatusTimes } from '../../domain/payment.js';
import { ACTIVE_PAYMENT_STATUSES, type PaymentStatus } from '../../domain/payment-state.js';
import { compiledOnce } from '../compiled-once.js';
import { reportingUniqueViolations } from '../constraint-violation.js';
import { cachedPayment, invalidatePayment, readPayment } from '../payment-cache.js';
import type { Db } from '../database.js';
import type { PaymentTable } from '../schema.js';

export interface PaymentIdFilter {
  integratorId: string;
  merchantId: string;
  statuses: readonly PaymentStatus[];
  posId?: string;
  orderId?: string;
}

/** A payment whose current status has timed out, as the due-timer worker lists it. */
export type DuePayment = Pick<PaymentRecord, 'paymentId' | 'status' | 'expiresAt'>;

const byId = compiledOnce((db) => db.selectFrom('payments').selectAll().where('payment_id', '=', ''));
const activeOnPos = compiledOnce((db) =>
  db.selectFrom('payments').selectAll().where('pos_id', '=', '').where('status', 'in', ACTIVE_PAYMENT_STATUSES),
);

export const paymentsRepository = {
  /** Throws UniqueViolation('activePaymentPerPos') when the PoS already has an active payment. */
  async insert(db: Db, payment: NewPaymentRecord): Promise<void> {
    invalidatePayment(db, payment.paymentId);
    await reportingUniqueViolations(db.insertInto('payments').values(toRow(payment) as Insertable<PaymentTable>).execute());
  },

  /** Through the payment cache where the engine has one: the polling GET's read. */
  findById(db: Db, paymentId: string): Promise<PaymentRecord | undefined> {
    return readPayment(db, paymentId, async () => recordOf((await byId(db, [paymentId]))[0]));
  },

  /** The payment if the payment cache holds it, without a query (and without waiting). */
  findCached(db: Db, paymentId: string): PaymentRecord | undefined {
    return cachedPayment(db, paymentId);
  },

  /** The PoS's active payment; at most one exists (a partial unique index). */
  async findActiveOnPos(db: Db, posId: string): Promise<PaymentRecord | undefined> {
    return recordOf((await activeOnPos(db, [posId, ...ACTIVE_PAYMENT_STATUSES]))[0]);
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

  /*
   * The state changes, by name. Each saves its move only if the payment is still in the status it was decided
   * from (`payment.status`): the conditional update that turns a lost race into a clean refusal instead of a
   * double capture. False when another request changed the payment first; the move is then decided again.
   */

  /** A prepared payment is given its amount and terms (ready). */
  markReady(db: Db, payment: PaymentRef, to: PaymentStatus, details: PaymentDetails, times: StatusTimes): Promise<boolean> {
    return move(db, payment, { ...details, status: to, ...times });
  },

  /** A customer checked in on the PoS is paired with its payment. */
  pair(db: Db, payment: PaymentRef, to: PaymentStatus, pairing: Pairing, times: StatusTimes): Promise<boolean> {
    return move(db, payment, { ...pairing, status: to, ...times });
  },

  /** The customer accepted: the amount is reserved, and whether it may be captured partially is known. */
  markReserved(db: Db, payment: PaymentRef, to: PaymentStatus, partialCapturePossible: boolean, times: StatusTimes): Promise<boolean> {
    return move(db, payment, { status: to, partialCapturePossible, ...times });
  },

  /** The client captured `amount` (minor units) at `at`. */
  markCaptured(db: Db, payment: PaymentRef, to: PaymentStatus, amount: number, at: number): Promise<boolean> {
    return move(db, payment, { status: to, capturedAmount: amount, capturedAt: at, expiresAt: null, updatedAt: at });
  },

  /** The payment ends (cancelled by the client or the customer) at `at`: nothing times out any more. */
  end(db: Db, payment: PaymentRef, to: PaymentStatus, at: number): Promise<boolean> {
    return move(db, payment, { status: to, expiresAt: null, updatedAt: at });
  },

  /**
   * The payment's timer ends it: only if its due time is still by `dueBy` (a request may have pushed it back
   * meanwhile), so a timer that lost to a request changes nothing.
   */
  expire(db: Db, payment: PaymentRef, to: PaymentStatus, at: number, dueBy: number): Promise<boolean> {
    return move(db, payment, { status: to, expiresAt: null, updatedAt: at }, dueBy);
  },

  /** Payments whose current status has timed out at `now`, oldest due first. */
  listDue(db: Db, now: number, limit: number): Promise<DuePayment[]> {
    return db
      .selectFrom('payments')
      .select(['payment_id as paymentId', 'status', 'expires_at as expiresAt'])
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

/** The conditional update every state change is: `WHERE status = <decided from>` (and the due time, for a timer). */
async function move(db: Db, payment: PaymentRef, changes: Partial<PaymentRecord>, dueBy?: number): Promise<boolean> {
  invalidatePayment(db, payment.paymentId);
  let query = db.updateTable('payments').set(toRow(changes)).where('payment_id', '=', payment.paymentId).where('status', '=', payment.status);
  if (dueBy !== undefined) query = query.where('expires_at', '<=', dueBy);
  const result = await query.executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

const recordOf = (row: Selectable<PaymentTable> | undefined): PaymentRecord | undefined => (row ? toRecord(row) : undefined);

/** A row as the domain reads it: restrictions and loyalty ids parsed, the 0/1 flag a boolean. */
function toRecord(row: Selectable<PaymentTable>): PaymentRecord {
  return {
    paymentId: row.payment_id,
    posId: row.pos_id,
    merchantId: row.merchant_id,
    integratorId: row.integrator_id,
    storeId: row.store_id,
    orderId: row.order_id,
    status: row.status,
    amount: row.amount,
    currencyCode: row.currency_code,
    restrictions: row.restrictions === null ? null : (JSON.parse(row.restrictions) as PaymentRecord['restrictions']),
    merchantPaymentLabel: row.merchant_payment_label,
    plannedCaptureDelay: row.planned_capture_delay,
    customerPhone: row.customer_phone,
    customerToken: row.customer_token,
    customerReceiptToken: row.customer_receipt_token,
    loyaltyIds: row.loyalty_ids === null ? null : (JSON.parse(row.loyalty_ids) as string[]),
    partialCapturePossible: row.partial_capture_possible === null ? null : row.partial_capture_possible === 1,
    capturedAmount: row.captured_amount,
    refundedAmount: row.refunded_amount,
    expiresAt: row.expires_at,
    createdAt: row.created_at,
    createdOrder: row.created_order,
    updatedAt: row.updated_at,
    capturedAt: row.captured_at,
  };
}

/** The columns of a record, or of the part of one a change sets (a field left out is a column left alone). */
function toRow(p: Partial<PaymentRecord>): Updateable<PaymentTable> {
  return {
    payment_id: p.paymentId,
    pos_id: p.posId,
    merchant_id: p.merchantId,
    integrator_id: p.integratorId,
    store_id: p.storeId,
    order_id: p.orderId,
    status: p.status,
    amount: p.amount,
    currency_code: p.currencyCode,
    restrictions: ifSet(p.restrictions, JSON.stringify),
    merchant_payment_label: p.merchantPaymentLabel,
    planned_capture_delay: p.plannedCaptureDelay,
    customer_phone: p.customerPhone,
    customer_token: p.customerToken,
    customer_receipt_token: p.customerReceiptToken,
    loyalty_ids: ifSet(p.loyaltyIds, JSON.stringify),
    partial_capture_possible: ifSet(p.partialCapturePossible, (possible) => (possible ? 1 : 0)),
    captured_amount: p.capturedAmount,
    refunded_amount: p.refundedAmount,
    expires_at: p.expiresAt,
    created_at: p.createdAt,
    created_order: p.createdOrder,
    updated_at: p.updatedAt,
    captured_at: p.capturedAt,
  };
}

/** `encode` of a value; null (a column set to null) and undefined (a column left alone) pass as they are. */
function ifSet<T, R>(value: T | null | undefined, encode: (value: T) => R): R | null | undefined {
  return value === null || value === undefined ? (value as null | undefined) : encode(value);
}
