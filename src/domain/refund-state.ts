/**
 * The refund state machine (SPEC §5) as data, in the same shape as the payment one: services decide with
 * `decideRefund` (or `decideRefundCreation`) and save the move with a conditional update
 * `WHERE status = <the status decided from>`.
 */
import { DAY } from './durations.js';
import type { CurrencyCode } from './money.js';
import type { PaymentRecord } from './payment.js';
import { isRefundable } from './payment-state.js';
import { decide, unreachable, type Decision, type Move, type Refusal, type StateMachine } from './state-machine.js';

export const REFUND_STATUSES = [
  'Initiated',
  'Reserved',
  'Captured',
  'CancelledByClient',
  'CancelledByMobilePay',
  'ExpiredAndCaptured',
] as const;
export type RefundStatus = (typeof REFUND_STATUSES)[number];

export const REFUND_EVENTS = [
  'reserve', // the platform reserved the money from the payment's captured amount and the store's balance
  'capture',
  'clientCancel',
  'autoCapture', // reserved for 24 hours without a capture
] as const;
export type RefundEvent = (typeof REFUND_EVENTS)[number];

export const REFUND_TRANSITIONS = {
  // A refund is reserved in the transaction that creates it (see decideRefundCreation), so it is saved Reserved
  // and never waits here. A reservation that fails (1367, 1368) refuses the creation: no refund exists to be
  // CancelledByMobilePay, a status SPEC §5 names but nothing here enters.
  Initiated: {
    reserve: 'Reserved',
    clientCancel: 'CancelledByClient',
  },
  Reserved: {
    capture: 'Captured',
    clientCancel: 'CancelledByClient',
    // The money goes back to the customer even when the client forgets the capture.
    autoCapture: 'ExpiredAndCaptured',
  },
  Captured: {},
  CancelledByClient: {},
  CancelledByMobilePay: {},
  ExpiredAndCaptured: {},
} as const satisfies Record<RefundStatus, Partial<Record<RefundEvent, RefundStatus>>>;

const REFUND_MACHINE: StateMachine<RefundStatus, RefundEvent> = {
  transitions: REFUND_TRANSITIONS,
  // A client retrying its own capture or cancel (a lost response) gets 200. An auto-captured refund is no
  // repeat of a client's capture, so capturing it is a 1351.
  repeats: { capture: 'Captured', clientCancel: 'CancelledByClient' },
  refusals: {
    capture: 'REFUND_NOT_RESERVED',
    clientCancel: 'REFUND_NOT_CANCELLABLE',
    // The platform's own outcomes and timers: arriving after the refund moved on, they are out of date.
    reserve: 'STALE_EVENT',
    autoCapture: 'STALE_EVENT',
  },
};

export function decideRefund(from: RefundStatus, event: RefundEvent): Decision<RefundStatus> {
  return decide(REFUND_MACHINE, from, event);
}

/** How old a capture may be and still be refunded (MobilePay's rule). */
export const REFUND_WINDOW_MS = 90 * DAY;

/**
 * A new refund of `payment` in `currencyCode` at `now`: refused when the payment may not be refunded (1354), in
 * another currency (1365) or captured too long ago (1366); otherwise the status it is saved in, the one
 * `reserve` moves an Initiated refund to. The reservation itself (1367, 1368) is booked by the service.
 */
export function decideRefundCreation(
  payment: Pick<PaymentRecord, 'status' | 'currencyCode' | 'capturedAt'>,
  currencyCode: CurrencyCode,
  now: number,
): Move<RefundStatus> | Refusal {
  if (!isRefundable(payment.status)) return { kind: 'refuse', error: 'PAYMENT_NOT_CAPTURED' };
  if (payment.currencyCode !== currencyCode) return { kind: 'refuse', error: 'REFUND_CURRENCY_MISMATCH' };
  if ((payment.capturedAt ?? 0) < now - REFUND_WINDOW_MS) return { kind: 'refuse', error: 'PAYMENT_TOO_OLD_TO_REFUND' };
  return { kind: 'move', to: REFUND_TRANSITIONS.Initiated.reserve };
}

/** The timer that ends a refund left in `status`; null when none does (only a Reserved refund is captured automatically). */
export function refundTimeoutEvent(status: RefundStatus): 'autoCapture' | null {
  switch (status) {
    case 'Reserved':
      return 'autoCapture';
    case 'Initiated':
    case 'Captured':
    case 'CancelledByClient':
    case 'CancelledByMobilePay':
    case 'ExpiredAndCaptured':
      return null;
    default:
      return unreachable(status);
  }
}

/** Where a refund left in `status` goes when its timer fires; null when nothing times out there. */
export function refundTimeoutTarget(status: RefundStatus): RefundStatus | null {
  const event = refundTimeoutEvent(status);
  const decision = event === null ? null : decideRefund(status, event);
  return decision?.kind === 'move' ? decision.to : null;
}
