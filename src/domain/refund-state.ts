/**
 * The refund state machine (SPEC §5) as data, in the same shape as the payment one: services decide with
 * `decideRefund` and save with a conditional update guarded by `refundStatusesAllowing`.
 */
import { decide, statusesAllowing, unreachable, type Decision, type StateMachine } from './state-machine.js';

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
  'reserve', // the platform reserved the money from the store's balance
  'reservationFailed',
  'capture',
  'clientCancel',
  'autoCapture', // reserved for 24 hours without a capture
] as const;
export type RefundEvent = (typeof REFUND_EVENTS)[number];

export const FINAL_REFUND_STATUSES: readonly RefundStatus[] = [
  'Captured',
  'CancelledByClient',
  'CancelledByMobilePay',
  'ExpiredAndCaptured',
];

export const isFinalRefund = (status: RefundStatus): boolean => FINAL_REFUND_STATUSES.includes(status);

export const REFUND_TRANSITIONS: Readonly<Record<RefundStatus, Partial<Record<RefundEvent, RefundStatus>>>> = {
  Initiated: {
    reserve: 'Reserved',
    reservationFailed: 'CancelledByMobilePay',
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
};

const REFUND_MACHINE: StateMachine<RefundStatus, RefundEvent> = {
  statuses: REFUND_STATUSES,
  transitions: REFUND_TRANSITIONS,
  // A client retrying its own capture or cancel (a lost response) gets 200. An auto-captured refund is no
  // repeat of a client's capture, so capturing it is a 1351.
  repeats: { capture: 'Captured', clientCancel: 'CancelledByClient' },
  refusals: {
    capture: 'REFUND_NOT_RESERVED',
    clientCancel: 'REFUND_NOT_CANCELLABLE',
    // The platform's own outcomes and timers: arriving after the refund moved on, they are out of date.
    reserve: 'STALE_EVENT',
    reservationFailed: 'STALE_EVENT',
    autoCapture: 'STALE_EVENT',
  },
};

export function decideRefund(from: RefundStatus, event: RefundEvent): Decision<RefundStatus> {
  return decide(REFUND_MACHINE, from, event);
}

/** The statuses `event` may start from, for the conditional `UPDATE ... WHERE status IN (...)` that saves it. */
export function refundStatusesAllowing(event: RefundEvent): RefundStatus[] {
  return statusesAllowing(REFUND_MACHINE, event);
}

/**
 * The timer that ends a refund left in `status`; null when none does. An Initiated refund waits on the
 * platform's reservation, not on a clock.
 */
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
