import { test, describe } from 'node:test';
import { ERRORS } from '../../src/domain/errors.js';
import assert from 'node:assert/strict';
import { cell, isMove, type Cell as GenericCell } from '../helpers/decision-cell.js';
import {
  ACTIVE_PAYMENT_STATUSES,
  PAYMENT_EVENTS,
  PAYMENT_STATUSES,
  createdPaymentStatus,
  decidePayment,
  isActivePayment,
  isFinalPayment,
  paymentStatusesAllowing,
  paymentTimeoutEvent,
  type PaymentEvent,
  type PaymentStatus,
} from '../../src/domain/payment-state.js';

type Cell = GenericCell<PaymentStatus>;

// Written out by hand from SPEC §3, not from the code's table. Refusal codes: 1300 not cancellable, 1303 not
// readyable, 1304 not reserved, 3000 stale event, 3001 no payment awaiting the customer.
const EXPECTED: Record<PaymentStatus, Record<PaymentEvent, Cell>> = {
  Prepared: {
    checkIn: '→ Paired',
    ready: '→ Initiated',
    accept: '3001',
    userCancel: '3001',
    clientCancel: '→ CancelledByClient',
    inactivityTimeout: '→ CancelledByMobilePay',
    reservationFailed: '3000',
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
    reservationFailed: '3000',
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
    reservationFailed: '3000',
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
    reservationFailed: '→ CancelledByMobilePay',
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
    reservationFailed: '3000',
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
    reservationFailed: '3000',
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
    reservationFailed: '3000',
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
    reservationFailed: '3000',
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
    reservationFailed: '3000',
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
    reservationFailed: '3000',
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

  test('lists the statuses each event may start from, in the order of PAYMENT_STATUSES', () => {
    assert.deepEqual(paymentStatusesAllowing('capture'), ['Reserved']);
    assert.deepEqual(paymentStatusesAllowing('ready'), ['Prepared', 'Paired']);
    assert.deepEqual(paymentStatusesAllowing('clientCancel'), ['Prepared', 'Paired', 'Initiated', 'IssuedToUser', 'Reserved']);
    for (const event of PAYMENT_EVENTS) {
      const expected = PAYMENT_STATUSES.filter((status) => isMove(EXPECTED[status][event]));
      assert.deepEqual(paymentStatusesAllowing(event), expected, event);
    }
  });

  test('the active statuses are the four before a reservation', () => {
    assert.deepEqual([...ACTIVE_PAYMENT_STATUSES].sort(), ['Initiated', 'IssuedToUser', 'Paired', 'Prepared']);
    assert.deepEqual(PAYMENT_STATUSES.filter(isActivePayment), ACTIVE_PAYMENT_STATUSES);
  });

  test('final statuses have no outgoing moves, and every other status has one', () => {
    assert.deepEqual(PAYMENT_STATUSES.filter(isFinalPayment), FINAL);
    for (const status of PAYMENT_STATUSES) {
      const moves = PAYMENT_EVENTS.filter((event) => decidePayment(status, event).kind === 'move');
      assert.equal(moves.length === 0, FINAL.includes(status), status);
    }
  });

  test('active payments time out by inactivity, reserved ones by reservation expiry, final ones never', () => {
    for (const status of PAYMENT_STATUSES) {
      const expected = isActivePayment(status) ? 'inactivityTimeout' : status === 'Reserved' ? 'reservationExpiry' : null;
      assert.equal(paymentTimeoutEvent(status), expected, status);
    }
  });

  test('every timeout moves the payment out of the status it belongs to', () => {
    for (const status of PAYMENT_STATUSES) {
      const event = paymentTimeoutEvent(status);
      if (event !== null) assert.equal(decidePayment(status, event).kind, 'move', status);
    }
  });
});
