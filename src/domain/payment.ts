/*
 * A payment as the services and the rules see it. The records live in the domain, not beside their repository,
 * because the decision guards (payment-state.ts, refund-state.ts) decide on them and the domain imports nothing
 * from the store; the store's tables (store/schema.ts) stay the storage types, mapped to these in the repositories.
 */
import type { CurrencyCode } from './money.js';
import type { PaymentStatus } from './payment-state.js';

export type PlannedCaptureDelay = 'None' | 'LessThan24Hours' | 'LessThan14Days';

/** The v10 `restrictions` of a payment: which card types may not pay it. */
export interface PaymentRestrictions {
  debitCardDisallowed?: boolean | null;
  creditCardDisallowed?: boolean | null;
}

/** The card a customer pays with (a test user's profile). */
export type PaymentSource = 'Credit' | 'Debit';

/** What initiate and ready give a payment: its amount (minor units) and the terms the customer sees. */
export interface PaymentDetails {
  amount: number;
  currencyCode: CurrencyCode;
  restrictions: PaymentRestrictions | null;
  merchantPaymentLabel: string | null;
  plannedCaptureDelay: PlannedCaptureDelay;
}

/** What pairing a customer gives a payment: who it is and what the merchant learns of them. */
export interface Pairing {
  customerPhone: string;
  customerToken: string;
  customerReceiptToken: string;
  loyaltyIds: string[];
}

/** When a status change happens (platform time), and when the status it enters times out; null for none. */
export interface StatusTimes {
  updatedAt: number;
  expiresAt: number | null;
}

/**
 * A payment. Money is in minor units, times are platform epoch milliseconds. A record is never changed once
 * read (the payment cache shares it between requests): a change is saved and the payment read again.
 */
export interface PaymentRecord {
  readonly paymentId: string;
  readonly posId: string;
  readonly merchantId: string;
  readonly integratorId: string;
  readonly storeId: string;
  readonly orderId: string;
  readonly status: PaymentStatus;
  /** Null until a prepared payment is made ready (and so are the other details). */
  readonly amount: number | null;
  readonly currencyCode: CurrencyCode | null;
  readonly restrictions: PaymentRestrictions | null;
  readonly merchantPaymentLabel: string | null;
  readonly plannedCaptureDelay: PlannedCaptureDelay | null;
  /** The paired customer, once one is (and so are the tokens and loyalty ids). */
  readonly customerPhone: string | null;
  readonly customerToken: string | null;
  readonly customerReceiptToken: string | null;
  readonly loyaltyIds: string[] | null;
  /** Known once reserved: depends on the customer's payment source. */
  readonly partialCapturePossible: boolean | null;
  readonly capturedAmount: number | null;
  /** Sum of the payment's refunds that are not cancelled; never above capturedAmount. */
  readonly refundedAmount: number;
  /** When the current status times out (the next due timer of this payment); null in final statuses. */
  readonly expiresAt: number | null;
  readonly createdAt: number;
  /** The order payments were created in (see CreationOrder), for "the most recent match wins". */
  readonly createdOrder: number;
  readonly updatedAt: number;
  readonly capturedAt: number | null;
}

/** A payment as it is created: what is not known yet (details, customer, capture) may be left out and is null. */
export type NewPaymentRecord = Pick<
  PaymentRecord,
  'paymentId' | 'posId' | 'merchantId' | 'integratorId' | 'storeId' | 'orderId' | 'status' | 'expiresAt' | 'createdAt' | 'createdOrder' | 'updatedAt'
> &
  Partial<PaymentRecord>;

/** What a state change needs of a payment: which one, and the status its move was decided from. */
export type PaymentRef = Pick<PaymentRecord, 'paymentId' | 'status'>;

/** Whether the payment's restrictions refuse a customer paying with `source`. */
export function disallows(restrictions: PaymentRestrictions | null, source: PaymentSource): boolean {
  if (restrictions === null) return false;
  return source === 'Debit' ? restrictions.debitCardDisallowed === true : restrictions.creditCardDisallowed === true;
}
