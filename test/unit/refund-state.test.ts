import { test, describe } from 'node:test';
import { ERRORS } from '../../src/domain/errors.js';
import assert from 'node:assert/strict';
import { cell, type Cell as GenericCell } from '../helpers/decision-cell.js';
import {
  REFUND_EVENTS,
  REFUND_STATUSES,
  REFUND_WINDOW_MS,
  decideRefund,
  decideRefundCreation,
  refundTimeoutEvent,
  type RefundEvent,
  type RefundStatus,
} from '../../src/domain/refund-state.js';

type Cell = GenericCell<RefundStatus>;

// Written out by hand from SPEC §5, not from the code's table. Refusal codes: 1351 not reserved, 1352 not
// cancellable, 3000 stale event. A refund is reserved as it is created: a failed reservation (1367, 1368) refuses
// the creation, so no event enters CancelledByMobilePay.
const EXPECTED: Record<RefundStatus, Record<RefundEvent, Cell>> = {
  Initiated: {
    reserve: '→ Reserved',
    capture: '1351',
    clientCancel: '→ CancelledByClient',
    autoCapture: '3000',
  },
  Reserved: {
    reserve: '3000',
    capture: '→ Captured',
    clientCancel: '→ CancelledByClient',
    autoCapture: '→ ExpiredAndCaptured',
  },
  Captured: {
    reserve: '3000',
    capture: 'repeat',
    clientCancel: '1352',
    autoCapture: '3000',
  },
  CancelledByClient: {
    reserve: '3000',
    capture: '1351',
    clientCancel: 'repeat',
    autoCapture: '3000',
  },
  CancelledByMobilePay: {
    reserve: '3000',
    capture: '1351',
    clientCancel: '1352',
    autoCapture: '3000',
  },
  ExpiredAndCaptured: {
    reserve: '3000',
    capture: '1351',
    clientCancel: '1352',
    autoCapture: '3000',
  },
};

const FINAL: RefundStatus[] = ['Captured', 'CancelledByClient', 'CancelledByMobilePay', 'ExpiredAndCaptured'];

describe('refund state machine', () => {
  test('knows exactly the statuses and events of SPEC §5', () => {
    assert.deepEqual([...REFUND_STATUSES].sort(), Object.keys(EXPECTED).sort());
    assert.deepEqual([...REFUND_EVENTS].sort(), Object.keys(EXPECTED.Initiated).sort());
  });

  for (const status of REFUND_STATUSES) {
    test(`decides every event on a refund in ${status} as SPEC §5 says`, () => {
      const actual = Object.fromEntries(REFUND_EVENTS.map((event) => [event, cell(decideRefund(status, event))]));
      assert.deepEqual(actual, EXPECTED[status]);
    });
  }

  test('refuses a capture of an Initiated refund with 1351', () => {
    assert.deepEqual(decideRefund('Initiated', 'capture'), { kind: 'refuse', error: 'REFUND_NOT_RESERVED' });
    assert.equal(ERRORS.REFUND_NOT_RESERVED.code, '1351');
  });

  test('a second capture and a second client cancel are repeats', () => {
    assert.deepEqual(decideRefund('Captured', 'capture'), { kind: 'repeat' });
    assert.deepEqual(decideRefund('CancelledByClient', 'clientCancel'), { kind: 'repeat' });
  });

  test('capturing a refund that was captured automatically is 1351, not a repeat', () => {
    assert.deepEqual(decideRefund('ExpiredAndCaptured', 'capture'), { kind: 'refuse', error: 'REFUND_NOT_RESERVED' });
  });

  test('an auto-capture that fires after the client captured is stale', () => {
    assert.deepEqual(decideRefund('Captured', 'autoCapture'), { kind: 'refuse', error: 'STALE_EVENT' });
  });

  test('final statuses have no outgoing moves, and every other status has one', () => {
    for (const status of REFUND_STATUSES) {
      const moves = REFUND_EVENTS.filter((event) => decideRefund(status, event).kind === 'move');
      assert.equal(moves.length === 0, FINAL.includes(status), status);
    }
  });

  test('only a Reserved refund has a timer: it is captured automatically', () => {
    for (const status of REFUND_STATUSES) {
      assert.equal(refundTimeoutEvent(status), status === 'Reserved' ? 'autoCapture' : null, status);
    }
    assert.deepEqual(decideRefund('Reserved', 'autoCapture'), { kind: 'move', to: 'ExpiredAndCaptured' });
  });

  test('a refund of a Captured payment is created reserved; 1354 other status, 1365 other currency, 1366 too old', () => {
    const now = REFUND_WINDOW_MS * 2;
    const captured = { status: 'Captured', currencyCode: 'DKK', capturedAt: now - REFUND_WINDOW_MS } as const;
    assert.deepEqual(decideRefundCreation(captured, 'DKK', now), { kind: 'move', to: 'Reserved' });
    assert.deepEqual(decideRefundCreation({ ...captured, status: 'Reserved' }, 'DKK', now), { kind: 'refuse', error: 'PAYMENT_NOT_CAPTURED' });
    assert.deepEqual(decideRefundCreation(captured, 'EUR', now), { kind: 'refuse', error: 'REFUND_CURRENCY_MISMATCH' });
    assert.deepEqual(decideRefundCreation({ ...captured, capturedAt: now - REFUND_WINDOW_MS - 1 }, 'DKK', now), {
      kind: 'refuse',
      error: 'PAYMENT_TOO_OLD_TO_REFUND',
    });
    assert.equal(ERRORS.PAYMENT_NOT_CAPTURED.code, '1354');
    assert.equal(ERRORS.REFUND_CURRENCY_MISMATCH.code, '1365');
    assert.equal(ERRORS.PAYMENT_TOO_OLD_TO_REFUND.code, '1366');
  });
});
