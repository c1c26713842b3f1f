import type { PaymentSource } from '../domain/payment.js';
import type { PaymentStatus } from '../domain/payment-state.js';

/*
 * The wallet's view of a customer, as its API answers it: types only, so the wallet page (web/app) shares them
 * without taking any server code along.
 */

/** Where something happens, in the words a customer reads: brand, store and the PoS's name. */
export interface Place {
  beaconId: string;
  posName: string;
  storeName: string;
  brandName: string;
}

export interface WalletPayment extends Place {
  paymentId: string;
  status: PaymentStatus;
  /** Major units, as the v10 API writes amounts; null while a prepared payment has no amount yet. */
  amount: number | null;
  currencyCode: string | null;
  merchantPaymentLabel: string | null;
  capturedAmount: number | null;
  updatedAt: string;
}

export interface WalletView {
  phoneNumber: string;
  paymentSource: PaymentSource;
  loyaltyIds: string[];
  /** A check-in waiting for the merchant's payment; null when there is none. */
  checkin: (Place & { expiresAt: string }) | null;
  /** Newest change first; those IssuedToUser wait for the customer's accept or decline. */
  payments: WalletPayment[];
}

export interface WalletUser {
  phoneNumber: string;
  paymentSource: PaymentSource;
}
