import type { PaymentSource } from './payment.js';

/** A MobilePay user: a built-in sandbox test user or a seeded one. In the domain for the reason payment.ts gives. */
export interface CustomerRecord {
  readonly phoneNumber: string;
  readonly paymentSource: PaymentSource;
  readonly loyaltyIds: string[];
  readonly partialCapturePossible: boolean;
  /** Stable per customer, shown to a merchant once paired (v10 `customerToken`, `customerReceiptToken`). */
  readonly customerToken: string;
  readonly customerReceiptToken: string;
}

/** Whether two records of one customer describe the same profile (what a seed or the CLI may change). */
export function sameProfile(a: CustomerRecord, b: CustomerRecord): boolean {
  return (
    a.paymentSource === b.paymentSource &&
    a.partialCapturePossible === b.partialCapturePossible &&
    a.loyaltyIds.length === b.loyaltyIds.length &&
    a.loyaltyIds.every((id, i) => id === b.loyaltyIds[i])
  );
}

/** A customer checked in on a PoS, waiting for a payment to be created there. */
export interface CheckinRecord {
  readonly posId: string;
  readonly customerPhone: string;
  readonly checkedInAt: number;
  readonly expiresAt: number;
}
