import type { Db } from '../database.js';

/** Where a customer's payment or check-in happens, as the wallet shows it. */
export interface PlaceRow {
  beacon_id: string;
  pos_name: string;
  store_name: string;
  brand_name: string;
}

export interface WalletCheckinRow extends PlaceRow {
  expires_at: number;
}

export interface WalletPaymentRow extends PlaceRow {
  payment_id: string;
  status: string;
  amount: number | null;
  currency_code: string | null;
  merchant_payment_label: string | null;
  captured_amount: number | null;
  updated_at: number;
}

/** The customer's side of the data: what one phone sees. Reads only; every change goes through the state machine. */
export const walletRepository = {
  /** The customer's newest check-in still waiting for a payment. */
  async waitingCheckin(db: Db, phoneNumber: string, now: number): Promise<WalletCheckinRow | undefined> {
    return db
      .selectFrom('checkins as c')
      .innerJoin('points_of_sale as p', 'p.pos_id', 'c.pos_id')
      .innerJoin('stores as s', 's.store_id', 'p.store_id')
      .innerJoin('brands as b', 'b.merchant_brand_id', 's.merchant_brand_id')
      .select(['p.beacon_id', 'p.name as pos_name', 's.store_name', 'b.brand_name', 'c.expires_at'])
      .where('c.customer_phone', '=', phoneNumber)
      .where('c.expires_at', '>', now)
      .orderBy('c.checked_in_at', 'desc')
      .limit(1)
      .executeTakeFirst();
  },

  /** The payments the customer was paired with, most recently changed first. */
  async payments(db: Db, phoneNumber: string, limit: number): Promise<WalletPaymentRow[]> {
    return db
      .selectFrom('payments as y')
      .innerJoin('points_of_sale as p', 'p.pos_id', 'y.pos_id')
      .innerJoin('stores as s', 's.store_id', 'y.store_id')
      .innerJoin('brands as b', 'b.merchant_brand_id', 's.merchant_brand_id')
      .select([
        'y.payment_id', 'y.status', 'y.amount', 'y.currency_code', 'y.merchant_payment_label', 'y.captured_amount', 'y.updated_at',
        'p.beacon_id', 'p.name as pos_name', 's.store_name', 'b.brand_name',
      ])
      .where('y.customer_phone', '=', phoneNumber)
      .orderBy('y.updated_at', 'desc')
      .orderBy('y.created_order', 'desc')
      .limit(limit)
      .execute();
  },
};
