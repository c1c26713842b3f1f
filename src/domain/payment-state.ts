/**
 * The payment state machine (SPEC §3) as data: which event moves a payment from which status to which, which
 * events are harmless repeats, and which v10 code refuses the rest. Services decide with `decidePayment` and
 * save with a conditional update guarded by `paymentStatusesAllowing`.
 */
import { decide, statusesAllowing, unreachable, type Decision, type StateMachine } from './state-machine.js';

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
  'reservationFailed',
  'capture',
  'reservationExpiry', // not captured within the reservation lifetime
] as const;
export type PaymentEvent = (typeof PAYMENT_EVENTS)[number];

/** At most one payment per PoS may be in one of these (the database enforces it). */
export const ACTIVE_PAYMENT_STATUSES: readonly PaymentStatus[] = ['Prepared', 'Paired', 'Initiated', 'IssuedToUser'];

export const FINAL_PAYMENT_STATUSES: readonly PaymentStatus[] = [
  'Captured',
  'CancelledByClient',
  'CancelledByUser',
  'CancelledByMobilePay',
  'ExpiredAndCancelled',
];

export const isActivePayment = (status: PaymentStatus): boolean => ACTIVE_PAYMENT_STATUSES.includes(status);

export const isFinalPayment = (status: PaymentStatus): boolean => FINAL_PAYMENT_STATUSES.includes(status);

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
    inactivityTimeout: 'CancelledByMobilePay',
    // Only here: a reservation is attempted when the customer accepts, which only an IssuedToUser payment allows.
    reservationFailed: 'CancelledByMobilePay',
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
  statuses: PAYMENT_STATUSES,
  transitions: PAYMENT_TRANSITIONS,
  // A client retrying its own cancel or capture (a lost response) gets 200. Cancelling a payment that the
  // customer or MobilePay cancelled is no repeat of the client's request, so it stays a 1300. A repeated capture
  // is a repeat here whatever its amount; the service compares the amounts (1307).
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
    reservationFailed: 'STALE_EVENT',
    reservationExpiry: 'STALE_EVENT',
  },
};

export function decidePayment(from: PaymentStatus, event: PaymentEvent): Decision<PaymentStatus> {
  return decide(PAYMENT_MACHINE, from, event);
}

/** The statuses `event` may start from, for the conditional `UPDATE ... WHERE status IN (...)` that saves it. */
export function paymentStatusesAllowing(event: PaymentEvent): PaymentStatus[] {
  return statusesAllowing(PAYMENT_MACHINE, event);
}

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
