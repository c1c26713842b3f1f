import { Type, type Static } from '@sinclair/typebox';
import { PAYMENT_STATUSES } from '../../domain/payment-state.js';
import { Nullable, Strict, StringEnum, Uuid } from './common.js';

export const CurrencyCode = StringEnum(['DKK', 'EUR'], { description: 'The currency of the payment.' });

const PlannedCaptureDelay = StringEnum(['None', 'LessThan24Hours', 'LessThan14Days'], {
  description: 'When the payment is expected to be captured.',
});

export const PaymentRestrictions = Type.Object(
  {
    debitCardDisallowed: Type.Optional(Nullable(Type.Boolean())),
    creditCardDisallowed: Type.Optional(Nullable(Type.Boolean())),
  },
  { ...Strict, title: 'PaymentRestrictions' },
);

/**
 * The wire amount: a JSON number; its range and its at most 2 decimals are checked by the service (1102). The
 * contract says number, and so does our OpenAPI document; a string holding a plain decimal is read as that
 * number before validation (plugins/lenient-amounts.ts), which the description tells.
 */
export const Amount = Type.Number({
  description:
    'The monetary value, in the currency of the payment: above 0, at most 1000000.00, with at most 2 decimals. ' +
    'Like MobilePay, the platform also reads a string holding a plain decimal ("12.50") as that number, and records the call as outside the contract.',
  example: 12.5,
});

const OrderId = Type.String({ description: 'Merchant-provided order ID: at most 36 valid characters.', example: 'ORDER-12345' });

const PaymentTerms = {
  amount: Amount,
  currencyCode: CurrencyCode,
  restrictions: Type.Optional(Nullable(PaymentRestrictions)),
  merchantPaymentLabel: Type.Optional(Nullable(Type.String({ description: 'At most 36 valid characters.' }))),
  plannedCaptureDelay: PlannedCaptureDelay,
};

export const InitiatePaymentRequest = Type.Object(
  { posId: Uuid('The point of sale to initiate the payment on.'), orderId: OrderId, ...PaymentTerms },
  { ...Strict, title: 'InitiatePaymentRequest' },
);
export type InitiatePaymentRequest = Static<typeof InitiatePaymentRequest>;

export const PreparePaymentRequest = Type.Object(
  { posId: Uuid('The point of sale to prepare the payment on.'), orderId: OrderId },
  { ...Strict, title: 'PreparePaymentRequest' },
);

export const PaymentReadyRequest = Type.Object(PaymentTerms, { ...Strict, title: 'PaymentReadyRequest' });

export const PaymentCaptureRequest = Type.Object({ amount: Amount }, { ...Strict, title: 'PaymentCaptureRequest' });

export const PaymentInitiatedResponse = Type.Object({ paymentId: Uuid() }, { ...Strict, title: 'PaymentInitiatedResponse' });

export const QueryPaymentResponse = Type.Object(
  {
    paymentId: Uuid(),
    posId: Uuid(),
    orderId: Type.String(),
    amount: Type.Optional(Nullable(Type.Number())),
    currencyCode: Type.Optional(Nullable(CurrencyCode)),
    restrictions: Type.Optional(Nullable(PaymentRestrictions)),
    merchantPaymentLabel: Type.Optional(Nullable(Type.String())),
    plannedCaptureDelay: Type.Optional(Nullable(PlannedCaptureDelay)),
    status: StringEnum(PAYMENT_STATUSES),
    customerToken: Type.Optional(Nullable(Type.String())),
    customerReceiptToken: Type.Optional(Nullable(Type.String())),
    loyaltyIds: Type.Optional(Nullable(Type.Array(Type.String()))),
    paymentExpiresAt: Type.Optional(Type.String({ format: 'date-time' })),
    partialCapturePossible: Type.Optional(Nullable(Type.Boolean())),
    pollDelayInMs: Type.Integer({ format: 'int32' }),
  },
  { ...Strict, title: 'QueryPaymentResponse' },
);

export const QueryPaymentIdsResponse = Type.Object({ paymentIds: Type.Array(Uuid()) }, { ...Strict, title: 'QueryPaymentIdsResponse' });

export const PaymentFilterQuery = Type.Object({
  posId: Type.Optional(Nullable(Uuid())),
  orderId: Type.Optional(Nullable(Type.String())),
  state: Type.Optional(Nullable(Type.Literal('Captured'))),
});

export const PaymentIdParams = Type.Object({ paymentid: Uuid('The payment ID') });
