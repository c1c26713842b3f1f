import { test, describe } from 'node:test';
import { ERRORS } from '../../src/domain/errors.js';
import assert from 'node:assert/strict';
import { cell, type Cell as GenericCell } from '../helpers/decision-cell.js';
import {
  ACTIVE_PAYMENT_STATUSES,
  PAYMENT_EVENTS,
  PAYMENT_STATUSES,
  createdPaymentStatus,
  decideAccept,
  decideCapture,
  decideCheckIn,
  decidePayment,
  isRefundable,
  paymentTimeoutEvent,
  type PaymentEvent,
  type PaymentStatus,
} from '../../src/domain/payment-state.js';

type Cell = GenericCell<PaymentStatus>;

// Written out by hand from SPEC §3, not from the code's table. Refusal codes: 1300 not cancellable, 1303 not
// readyable, 1304 not reserved, 3000 stale event, 3001 no payment awaiting the customer. SPEC §3's "or reservation
// fails" has no event: the one refused accept (a disallowed card type, 3004) leaves the payment IssuedToUser.
const EXPECTED: Record<PaymentStatus, Record<PaymentEvent, Cell>> = {
  Prepared: {
    checkIn: '→ Paired',
    ready: '→ Initiated',
    accept: '3001',
    userCancel: '3001',
    clientCancel: '→ CancelledByClient',
    inactivityTimeout: '→ CancelledByMobilePay',
    capture: '1304',
    reservationExpiry: '3000',
  },
  Paired: {
    checkIn: '3001',
    ready: '→ IssuedToUser',
    accept: '3001',
    userCancel: '→ CancelledByUser',
    clientCancel: '→ CancelledByClient',
    inactivityTimeout: '→ CancelledByMobilePay',
    capture: '1304',
    reservationExpiry: '3000',
  },
  Initiated: {
    checkIn: '→ IssuedToUser',
    ready: '1303',
    accept: '3001',
    userCancel: '3001',
    clientCancel: '→ CancelledByClient',
    inactivityTimeout: '→ CancelledByMobilePay',
    capture: '1304',
    reservationExpiry: '3000',
  },
  IssuedToUser: {
    checkIn: '3001',
    ready: '1303',
    accept: '→ Reserved',
    userCancel: '→ CancelledByUser',
    clientCancel: '→ CancelledByClient',
    inactivityTimeout: '→ CancelledByMobilePay',
    capture: '1304',
    reservationExpiry: '3000',
  },
  Reserved: {
    checkIn: '3001',
    ready: '1303',
    accept: '3001',
    userCancel: '3001',
    clientCancel: '→ CancelledByClient',
    inactivityTimeout: '3000',
    capture: '→ Captured',
    reservationExpiry: '→ ExpiredAndCancelled',
  },
  Captured: {
    checkIn: '3001',
    ready: '1303',
    accept: '3001',
    userCancel: '3001',
    clientCancel: '1300',
    inactivityTimeout: '3000',
    capture: 'repeat',
    reservationExpiry: '3000',
  },
  CancelledByClient: {
    checkIn: '3001',
    ready: '1303',
    accept: '3001',
    userCancel: '3001',
    clientCancel: 'repeat',
    inactivityTimeout: '3000',
    capture: '1304',
    reservationExpiry: '3000',
  },
  CancelledByUser: {
    checkIn: '3001',
    ready: '1303',
    accept: '3001',
    userCancel: '3001',
    clientCancel: '1300',
    inactivityTimeout: '3000',
    capture: '1304',
    reservationExpiry: '3000',
  },
  CancelledByMobilePay: {
    checkIn: '3001',
    ready: '1303',
    accept: '3001',
    userCancel: '3001',
    clientCancel: '1300',
    inactivityTimeout: '3000',
    capture: '1304',
    reservationExpiry: '3000',
  },
  ExpiredAndCancelled: {
    checkIn: '3001',
    ready: '1303',
    accept: '3001',
    userCancel: '3001',
    clientCancel: '1300',
    inactivityTimeout: '3000',
    capture: '1304',
    reservationExpiry: '3000',
  },
};

const FINAL: PaymentStatus[] = ['Captured', 'CancelledByClient', 'CancelledByUser', 'CancelledByMobilePay', 'ExpiredAndCancelled'];

describe('payment state machine', () => {
  test('knows exactly the statuses and events of SPEC §3', () => {
    assert.deepEqual([...PAYMENT_STATUSES].sort(), Object.keys(EXPECTED).sort());
    assert.deepEqual([...PAYMENT_EVENTS].sort(), Object.keys(EXPECTED.Prepared).sort());
  });

  for (const status of PAYMENT_STATUSES) {
    test(`decides every event on a payment in ${status} as SPEC §3 says`, () => {
      const actual = Object.fromEntries(PAYMENT_EVENTS.map((event) => [event, cell(decidePayment(status, event))]));
      assert.deepEqual(actual, EXPECTED[status]);
    });
  }

  test('refuses a capture of an Initiated payment with 1304', () => {
    assert.deepEqual(decidePayment('Initiated', 'capture'), { kind: 'refuse', error: 'PAYMENT_NOT_RESERVED' });
    assert.equal(ERRORS.PAYMENT_NOT_RESERVED.code, '1304');
  });

  test('a second client cancel is a repeat; cancelling a payment the customer cancelled is 1300', () => {
    assert.deepEqual(decidePayment('CancelledByClient', 'clientCancel'), { kind: 'repeat' });
    assert.deepEqual(decidePayment('CancelledByUser', 'clientCancel'), { kind: 'refuse', error: 'PAYMENT_NOT_CANCELLABLE' });
  });

  test('a second capture is a repeat (the service compares the amounts)', () => {
    assert.deepEqual(decidePayment('Captured', 'capture'), { kind: 'repeat' });
  });

  test('a timer that fires after capture is stale', () => {
    assert.deepEqual(decidePayment('Captured', 'reservationExpiry'), { kind: 'refuse', error: 'STALE_EVENT' });
    assert.deepEqual(decidePayment('Captured', 'inactivityTimeout'), { kind: 'refuse', error: 'STALE_EVENT' });
  });

  test('a customer accepting a payment that is no longer issued to them is refused with our code 3001', () => {
    assert.deepEqual(decidePayment('CancelledByClient', 'accept'), { kind: 'refuse', error: 'PAYMENT_NOT_AWAITING_CUSTOMER' });
  });

  test('a payment is created Initiated or Prepared, and paired at once when a customer is checked in', () => {
    assert.equal(createdPaymentStatus('initiate', false), 'Initiated');
    assert.equal(createdPaymentStatus('initiate', true), 'IssuedToUser');
    assert.equal(createdPaymentStatus('prepare', false), 'Prepared');
    assert.equal(createdPaymentStatus('prepare', true), 'Paired');
  });

  test('the active statuses are the four before a reservation', () => {
    assert.deepEqual([...ACTIVE_PAYMENT_STATUSES].sort(), ['Initiated', 'IssuedToUser', 'Paired', 'Prepared']);
  });

  test('final statuses have no outgoing moves, and every other status has one', () => {
    for (const status of PAYMENT_STATUSES) {
      const moves = PAYMENT_EVENTS.filter((event) => decidePayment(status, event).kind === 'move');
      assert.equal(moves.length === 0, FINAL.includes(status), status);
    }
  });

  test('active payments time out by inactivity, reserved ones by reservation expiry, final ones never', () => {
    for (const status of PAYMENT_STATUSES) {
      const expected = ACTIVE_PAYMENT_STATUSES.includes(status) ? 'inactivityTimeout' : status === 'Reserved' ? 'reservationExpiry' : null;
      assert.equal(paymentTimeoutEvent(status), expected, status);
    }
  });

  test('every timeout moves the payment out of the status it belongs to', () => {
    for (const status of PAYMENT_STATUSES) {
      const event = paymentTimeoutEvent(status);
      if (event !== null) assert.equal(decidePayment(status, event).kind, 'move', status);
    }
  });

  describe('capture (SPEC §3: 1305 above reserved, 1307 repeat of another amount, 1308 partial when not possible)', () => {
    const reserved = { status: 'Reserved', amount: 1000, capturedAmount: null, partialCapturePossible: false } as const;
    test('captures the reserved amount, and less only when a partial capture is possible', () => {
      assert.deepEqual(decideCapture(reserved, 1000), { kind: 'move', to: 'Captured' });
      assert.deepEqual(decideCapture(reserved, 999), { kind: 'refuse', error: 'PARTIAL_CAPTURE_NOT_POSSIBLE' });
      assert.deepEqual(decideCapture({ ...reserved, partialCapturePossible: true }, 999), { kind: 'move', to: 'Captured' });
      assert.deepEqual(decideCapture({ ...reserved, partialCapturePossible: true }, 1001), { kind: 'refuse', error: 'CAPTURE_ABOVE_RESERVED' });
      assert.equal(ERRORS.CAPTURE_ABOVE_RESERVED.code, '1305');
      assert.equal(ERRORS.PARTIAL_CAPTURE_NOT_POSSIBLE.code, '1308');
    });
    test('a repeated capture answers 200 for the captured amount and 1307 for another', () => {
      const captured = { ...reserved, status: 'Captured', capturedAmount: 1000 } as const;
      assert.deepEqual(decideCapture(captured, 1000), { kind: 'repeat' });
      assert.deepEqual(decideCapture(captured, 500), { kind: 'refuse', error: 'CAPTURED_WITH_OTHER_AMOUNT' });
      assert.equal(ERRORS.CAPTURED_WITH_OTHER_AMOUNT.code, '1307');
    });
    test('the status is decided first: capturing an unreserved payment is 1304 whatever the amount', () => {
      assert.deepEqual(decideCapture({ ...reserved, status: 'Initiated' }, 5000), { kind: 'refuse', error: 'PAYMENT_NOT_RESERVED' });
    });
  });

  test('a customer checking in again on the payment they are paired with changes nothing; another customer is 3001', () => {
    const paired = { status: 'IssuedToUser', customerPhone: '+4520031801' } as const;
    assert.deepEqual(decideCheckIn(paired, '+4520031801'), { kind: 'repeat' });
    assert.deepEqual(decideCheckIn(paired, '+4520031802'), { kind: 'refuse', error: 'PAYMENT_NOT_AWAITING_CUSTOMER' });
    assert.deepEqual(decideCheckIn({ status: 'Initiated', customerPhone: null }, '+4520031802'), { kind: 'move', to: 'IssuedToUser' });
  });

  test('only the customer a payment is issued to may accept it, and not with a disallowed card type (3004)', () => {
    const issued = { status: 'IssuedToUser', customerPhone: '+4520031801', restrictions: { debitCardDisallowed: true } } as const;
    const debit = { phoneNumber: '+4520031801', paymentSource: 'Debit' } as const;
    assert.deepEqual(decideAccept(issued, { ...debit, paymentSource: 'Credit' }), { kind: 'move', to: 'Reserved' });
    assert.deepEqual(decideAccept(issued, debit), { kind: 'refuse', error: 'CARD_TYPE_DISALLOWED' });
    assert.deepEqual(decideAccept(issued, { ...debit, phoneNumber: '+4520031802' }), { kind: 'refuse', error: 'PAYMENT_NOT_AWAITING_CUSTOMER' });
    assert.deepEqual(decideAccept({ ...issued, status: 'Reserved' }, debit), { kind: 'refuse', error: 'PAYMENT_NOT_AWAITING_CUSTOMER' });
  });

  test('only a Captured payment may be refunded (SPEC §5)', () => {
    assert.deepEqual(PAYMENT_STATUSES.filter(isRefundable), ['Captured']);
  });
});
