import { DomainError } from '../domain/errors.js';
import { toMinorUnits } from '../domain/money.js';
import { isValidText } from '../domain/valid-chars.js';
import type { CurrencyCode, PlannedCaptureDelay } from '../store/schema.js';

export interface PaymentRestrictions {
  debitCardDisallowed?: boolean | null;
  creditCardDisallowed?: boolean | null;
}

/** What initiate and ready give a payment: its amount and the terms the customer sees. */
export interface PaymentDetailsInput {
  amount: number;
  currencyCode: CurrencyCode;
  restrictions?: PaymentRestrictions | null;
  merchantPaymentLabel?: string | null;
  plannedCaptureDelay: PlannedCaptureDelay;
}

export interface PaymentDetails {
  amount: number;
  currency_code: CurrencyCode;
  restrictions: string | null;
  merchant_payment_label: string | null;
  planned_capture_delay: PlannedCaptureDelay;
}

export function validateOrderId(orderId: string): void {
  if (!isValidText(orderId)) throw new DomainError('INVALID_ORDER_ID');
}

export function minorUnitsOf(amount: number): number {
  const minor = toMinorUnits(amount);
  if (minor === null) throw new DomainError('INVALID_AMOUNT');
  return minor;
}

/** Validates the details (1102 amount, 1117 label) into the payment's columns. */
export function paymentDetails(input: PaymentDetailsInput): PaymentDetails {
  const amount = minorUnitsOf(input.amount);
  if (input.merchantPaymentLabel != null && !isValidText(input.merchantPaymentLabel)) {
    throw new DomainError('INVALID_MERCHANT_PAYMENT_LABEL');
  }
  return {
    amount,
    currency_code: input.currencyCode,
    restrictions: input.restrictions == null ? null : JSON.stringify(input.restrictions),
    merchant_payment_label: input.merchantPaymentLabel ?? null,
    // LessThan14Days is accepted but does not lengthen the 7-day reservation (MobilePay warned of exactly this).
    planned_capture_delay: input.plannedCaptureDelay,
  };
}

/** Whether the payment's restrictions refuse a customer paying with `source`. */
export function disallows(restrictions: string | null, source: 'Credit' | 'Debit'): boolean {
  if (restrictions === null) return false;
  const parsed = JSON.parse(restrictions) as PaymentRestrictions;
  return source === 'Debit' ? parsed.debitCardDisallowed === true : parsed.creditCardDisallowed === true;
}
