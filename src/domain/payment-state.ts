/**
 * The payment state machine (SPEC §3) as data: which event moves a payment from which status to which, which
 * events are harmless repeats, and which v10 code refuses the rest. Services decide with `decidePayment` (or
 * with a guard below when the payment's data matters too) and save the move with a conditional update
 * `WHERE status = <the status decided from>`: a payment that changed meanwhile is decided again.
 */
import type { CustomerRecord } from './customer.js';
import { disallows, type PaymentRecord } from './payment.js';
import { decide, unreachable, type Decision, type StateMachine } from './state-machine.js';

export const PAYMENT_STATUSES = [
  'Prepared',
  'Paired',
  'Initiated',
  'IssuedToUser',
  'Reserved',
  'Captured',
  'CancelledByClient',
  'CancelledByUser',
  'CancelledByMobilePay',
  'ExpiredAndCancelled',
] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export const PAYMENT_EVENTS = [
  'checkIn', // a customer checks in on the PoS, or was checked in when the payment was created
  'ready', // the client gives the amount of a prepared payment
  'accept', // the customer accepts and the amount is reserved
  'userCancel',
  'clientCancel',
  'inactivityTimeout',
  'capture',
  'reservationExpiry', // not captured within the reservation lifetime
] as const;
export type PaymentEvent = (typeof PAYMENT_EVENTS)[number];

/** At most one payment per PoS may be in one of these (the database enforces it). */
export const ACTIVE_PAYMENT_STATUSES: readonly PaymentStatus[] = ['Prepared', 'Paired', 'Initiated', 'IssuedToUser'];

export const PAYMENT_TRANSITIONS: Readonly<Record<PaymentStatus, Partial<Record<PaymentEvent, PaymentStatus>>>> = {
  Prepared: {
    checkIn: 'Paired',
    ready: 'Initiated',
    clientCancel: 'CancelledByClient',
    inactivityTimeout: 'CancelledByMobilePay',
  },
  Paired: {
    ready: 'IssuedToUser',
    // A paired customer sees the payment before its amount is known and may walk away from it.
    userCancel: 'CancelledByUser',
    clientCancel: 'CancelledByClient',
    // Our choice: MobilePay's docs time out only Initiated, IssuedToUser and Prepared, but an inactive Paired
    // payment left alone would block its PoS forever.
    inactivityTimeout: 'CancelledByMobilePay',
  },
  Initiated: {
    checkIn: 'IssuedToUser',
    clientCancel: 'CancelledByClient',
    inactivityTimeout: 'CancelledByMobilePay',
  },
  IssuedToUser: {
    accept: 'Reserved',
    userCancel: 'CancelledByUser',
    clientCancel: 'CancelledByClient',
    // SPEC §3's "or reservation fails" has no event: the one refused accept here (a disallowed card type) leaves
    // the payment IssuedToUser (SPEC §3), and a sandbox reservation does not fail otherwise.
    inactivityTimeout: 'CancelledByMobilePay',
  },
  Reserved: {
    capture: 'Captured',
    clientCancel: 'CancelledByClient', // releases the reservation
    reservationExpiry: 'ExpiredAndCancelled',
  },
  Captured: {},
  CancelledByClient: {},
  CancelledByUser: {},
  CancelledByMobilePay: {},
  ExpiredAndCancelled: {},
};

const PAYMENT_MACHINE: StateMachine<PaymentStatus, PaymentEvent> = {
  transitions: PAYMENT_TRANSITIONS,
  // A client retrying its own cancel or capture (a lost response) gets 200. Cancelling a payment that the
  // customer or MobilePay cancelled is no repeat of the client's request, so it stays a 1300. A repeated capture
  // is a repeat here whatever its amount; decideCapture compares the amounts (1307).
  repeats: { clientCancel: 'CancelledByClient', capture: 'Captured' },
  refusals: {
    ready: 'PAYMENT_NOT_READYABLE',
    capture: 'PAYMENT_NOT_RESERVED',
    clientCancel: 'PAYMENT_NOT_CANCELLABLE',
    // The customer's app had no v10 codes: these are ours.
    checkIn: 'PAYMENT_NOT_AWAITING_CUSTOMER',
    accept: 'PAYMENT_NOT_AWAITING_CUSTOMER',
    userCancel: 'PAYMENT_NOT_AWAITING_CUSTOMER',
    // A timer or an outcome that arrives after the payment moved on is simply out of date.
    inactivityTimeout: 'STALE_EVENT',
    reservationExpiry: 'STALE_EVENT',
  },
};

export function decidePayment(from: PaymentStatus, event: PaymentEvent): Decision<PaymentStatus> {
  return decide(PAYMENT_MACHINE, from, event);
}

/**
 * A capture of `amount` (minor units). A repeat of the capture that was made answers 200 and one of another
 * amount 1307; a move captures at most what is reserved (1305), and less only when the customer's payment
 * source allows a partial capture (1308).
 */
export function decideCapture(
  payment: Pick<PaymentRecord, 'status' | 'amount' | 'capturedAmount' | 'partialCapturePossible'>,
  amount: number,
): Decision<PaymentStatus> {
  const decision = decidePayment(payment.status, 'capture');
  if (decision.kind === 'repeat' && payment.capturedAmount !== amount) return { kind: 'refuse', error: 'CAPTURED_WITH_OTHER_AMOUNT' };
  if (decision.kind === 'move') {
    const reserved = payment.amount ?? 0;
    if (amount > reserved) return { kind: 'refuse', error: 'CAPTURE_ABOVE_RESERVED' };
    if (amount < reserved && payment.partialCapturePossible !== true) return { kind: 'refuse', error: 'PARTIAL_CAPTURE_NOT_POSSIBLE' };
  }
  return decision;
}

/** A customer checking in on the PoS of `payment`: checking in again on the payment one is paired with changes nothing. */
export function decideCheckIn(payment: Pick<PaymentRecord, 'status' | 'customerPhone'>, phoneNumber: string): Decision<PaymentStatus> {
  return payment.customerPhone === phoneNumber ? { kind: 'repeat' } : decidePayment(payment.status, 'checkIn');
}

/**
 * A customer accepting `payment`: only the customer it is issued to may, and not with a card type its
 * restrictions disallow (that refusal is ours; the payment stays IssuedToUser, so the customer may still pay
 * another way or the client may cancel).
 */
export function decideAccept(
  payment: Pick<PaymentRecord, 'status' | 'customerPhone' | 'restrictions'>,
  customer: Pick<CustomerRecord, 'phoneNumber' | 'paymentSource'>,
): Decision<PaymentStatus> {
  if (payment.customerPhone !== customer.phoneNumber) return { kind: 'refuse', error: 'PAYMENT_NOT_AWAITING_CUSTOMER' };
  const decision = decidePayment(payment.status, 'accept');
  if (decision.kind === 'move' && disallows(payment.restrictions, customer.paymentSource)) return { kind: 'refuse', error: 'CARD_TYPE_DISALLOWED' };
  return decision;
}

/** Whether refunds may be taken from a payment in `status`: only from a Captured one (SPEC §5, 1354 otherwise). */
export const isRefundable = (status: PaymentStatus): boolean => status === 'Captured';

export type PaymentFlow = 'initiate' | 'prepare';

/**
 * The status a payment is created in. A customer already checked in on the PoS is paired at once, so the
 * payment starts where a check-in right after creation would have moved it.
 */
export function createdPaymentStatus(flow: PaymentFlow, customerCheckedIn: boolean): PaymentStatus {
  if (flow === 'initiate') return customerCheckedIn ? 'IssuedToUser' : 'Initiated';
  return customerCheckedIn ? 'Paired' : 'Prepared';
}

/** The timer that ends a payment left in `status` (its due time is `paymentExpiresAt`); null for final statuses. */
export function paymentTimeoutEvent(status: PaymentStatus): 'inactivityTimeout' | 'reservationExpiry' | null {
  switch (status) {
    case 'Prepared':
    case 'Paired':
    case 'Initiated':
    case 'IssuedToUser':
      return 'inactivityTimeout';
    case 'Reserved':
      return 'reservationExpiry';
    case 'Captured':
    case 'CancelledByClient':
    case 'CancelledByUser':
    case 'CancelledByMobilePay':
    case 'ExpiredAndCancelled':
      return null;
    default:
      return unreachable(status);
  }
}

/** Where a payment left in `status` goes when its timer fires; null when nothing times out there. */
export function paymentTimeoutTarget(status: PaymentStatus): PaymentStatus | null {
  const event = paymentTimeoutEvent(status);
  const decision = event === null ? null : decidePayment(status, event);
  return decision?.kind === 'move' ? decision.to : null;
}
