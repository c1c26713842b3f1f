import type { Insertable, Selectable, Updateable } from 'kysely';
import type { RefundRecord, RefundRef } from '../../domain/refund.js';
import type { RefundStatus } from '../../domain/refund-state.js';
import { compiledOnce } from '../compiled-once.js';
import type { Db } from '../database.js';
import type { RefundTable } from '../schema.js';

/** A refund whose auto-capture is due, as the due-timer worker lists it. */
export type DueRefund = Pick<RefundRecord, 'refundId' | 'status' | 'expiresAt'>;

const byId = compiledOnce((db) => db.selectFrom('refunds').selectAll().where('refund_id', '=', ''));

export const refundsRepository = {
  async insert(db: Db, refund: RefundRecord): Promise<void> {
    await db.insertInto('refunds').values(toRow(refund) as Insertable<RefundTable>).execute();
  },

  async findById(db: Db, refundId: string): Promise<RefundRecord | undefined> {
    const row = (await byId(db, [refundId]))[0];
    return row ? toRecord(row) : undefined;
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

  /**
   * The refund ends (captured or cancelled by the client) at `at`. Like every state change, saved only if the
   * refund is still in the status the move was decided from (see paymentsRepository); false when it moved on.
   */
  end(db: Db, refund: RefundRef, to: RefundStatus, at: number): Promise<boolean> {
    return move(db, refund, to, at);
  },

  /** The refund's timer ends it (auto-capture), only if its due time is still by `dueBy`. */
  expire(db: Db, refund: RefundRef, to: RefundStatus, at: number, dueBy: number): Promise<boolean> {
    return move(db, refund, to, at, dueBy);
  },

  listDue(db: Db, now: number, limit: number): Promise<DueRefund[]> {
    return db
      .selectFrom('refunds')
      .select(['refund_id as refundId', 'status', 'expires_at as expiresAt'])
      .where('expires_at', '<=', now)
      .orderBy('expires_at')
      .limit(limit)
      .execute();
  },
};

/** The conditional update every state change is: `WHERE status = <decided from>` (and the due time, for a timer). */
async function move(db: Db, refund: RefundRef, to: RefundStatus, at: number, dueBy?: number): Promise<boolean> {
  let query = db
    .updateTable('refunds')
    .set(toRow({ status: to, expiresAt: null, updatedAt: at }))
    .where('refund_id', '=', refund.refundId)
    .where('status', '=', refund.status);
  if (dueBy !== undefined) query = query.where('expires_at', '<=', dueBy);
  const result = await query.executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

function toRecord(row: Selectable<RefundTable>): RefundRecord {
  return {
    refundId: row.refund_id,
    paymentId: row.payment_id,
    merchantId: row.merchant_id,
    integratorId: row.integrator_id,
    storeId: row.store_id,
    refundOrderId: row.refund_order_id,
    amount: row.amount,
    currencyCode: row.currency_code,
    status: row.status,
    expiresAt: row.expires_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The columns of a record, or of the part of one a change sets (a field left out is a column left alone). */
function toRow(r: Partial<RefundRecord>): Updateable<RefundTable> {
  return {
    refund_id: r.refundId,
    payment_id: r.paymentId,
    merchant_id: r.merchantId,
    integrator_id: r.integratorId,
    store_id: r.storeId,
    refund_order_id: r.refundOrderId,
    amount: r.amount,
    currency_code: r.currencyCode,
    status: r.status,
    expires_at: r.expiresAt,
    created_at: r.createdAt,
    updated_at: r.updatedAt,
  };
}
