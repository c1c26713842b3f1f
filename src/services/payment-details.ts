import { DomainError } from '../domain/errors.js';
import { toMinorUnits, type CurrencyCode } from '../domain/money.js';
import type { PaymentDetails, PaymentRestrictions, PlannedCaptureDelay } from '../domain/payment.js';
import { isValidText } from '../domain/valid-chars.js';

/** What initiate and ready give a payment: its amount and the terms the customer sees. */
export interface PaymentDetailsInput {
  amount: number;
  currencyCode: CurrencyCode;
  restrictions?: PaymentRestrictions | null;
  merchantPaymentLabel?: string | null;
  plannedCaptureDelay: PlannedCaptureDelay;
}

export function validateOrderId(orderId: string): void {
  if (!isValidText(orderId)) throw new DomainError('INVALID_ORDER_ID');
}

export function minorUnitsOf(amount: number): number {
  const minor = toMinorUnits(amount);
  if (minor === null) throw new DomainError('INVALID_AMOUNT');
  return minor;
}

/** Validates the details (1102 amount, 1117 label) into the payment's. */
export function paymentDetails(input: PaymentDetailsInput): PaymentDetails {
  const amount = minorUnitsOf(input.amount);
  if (input.merchantPaymentLabel != null && !isValidText(input.merchantPaymentLabel)) {
    throw new DomainError('INVALID_MERCHANT_PAYMENT_LABEL');
  }
  return {
    amount,
    currencyCode: input.currencyCode,
    restrictions: input.restrictions ?? null,
    merchantPaymentLabel: input.merchantPaymentLabel ?? null,
    // LessThan14Days is accepted but does not lengthen the 7-day reservation (MobilePay warned of exactly this).
    plannedCaptureDelay: input.plannedCaptureDelay,
  };
}
