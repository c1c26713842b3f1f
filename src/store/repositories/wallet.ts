import type { CurrencyCode } from '../../domain/money.js';
import type { PaymentStatus } from '../../domain/payment-state.js';
import type { Db } from '../database.js';

/** Where a customer's payment or check-in happens, as the wallet shows it. */
export interface PlaceRecord {
  beaconId: string;
  posName: string;
  storeName: string;
  brandName: string;
}

export interface WalletCheckinRecord extends PlaceRecord {
  expiresAt: number;
}

export interface WalletPaymentRecord extends PlaceRecord {
  paymentId: string;
  status: PaymentStatus;
  amount: number | null;
  currencyCode: CurrencyCode | null;
  merchantPaymentLabel: string | null;
  capturedAmount: number | null;
  updatedAt: number;
}

const PLACE = ['p.beacon_id as beaconId', 'p.name as posName', 's.store_name as storeName', 'b.brand_name as brandName'] as const;

/** The customer's side of the data: what one phone sees. Reads only; every change goes through the state machine. */
export const walletRepository = {
  /** The customer's newest check-in still waiting for a payment. */
  async waitingCheckin(db: Db, phoneNumber: string, now: number): Promise<WalletCheckinRecord | undefined> {
    return db
      .selectFrom('checkins as c')
      .innerJoin('points_of_sale as p', 'p.pos_id', 'c.pos_id')
      .innerJoin('stores as s', 's.store_id', 'p.store_id')
      .innerJoin('brands as b', 'b.merchant_brand_id', 's.merchant_brand_id')
      .select([...PLACE, 'c.expires_at as expiresAt'])
      .where('c.customer_phone', '=', phoneNumber)
      .where('c.expires_at', '>', now)
      .orderBy('c.checked_in_at', 'desc')
      .limit(1)
      .executeTakeFirst();
  },

  /** The payments the customer was paired with, most recently changed first. */
  async payments(db: Db, phoneNumber: string, limit: number): Promise<WalletPaymentRecord[]> {
    return db
      .selectFrom('payments as y')
      .innerJoin('points_of_sale as p', 'p.pos_id', 'y.pos_id')
      .innerJoin('stores as s', 's.store_id', 'y.store_id')
      .innerJoin('brands as b', 'b.merchant_brand_id', 's.merchant_brand_id')
      .select([
        'y.payment_id as paymentId', 'y.status', 'y.amount', 'y.currency_code as currencyCode',
        'y.merchant_payment_label as merchantPaymentLabel', 'y.captured_amount as capturedAmount', 'y.updated_at as updatedAt',
        ...PLACE,
      ])
      .where('y.customer_phone', '=', phoneNumber)
      .orderBy('y.updated_at', 'desc')
      .orderBy('y.created_order', 'desc')
      .limit(limit)
      .execute();
  },
};
