import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { MERCHANT_B, STORE_A1, STORE_B1, TEST_SEED, tokenFor, v10 } from '../helpers/fixtures.js';
import {
  USERS,
  advanceAndRun,
  assertDue,
  advanceClock,
  assertError,
  capture,
  capturedPayment,
  createPos,
  getCheckin,
  getPayment,
  getRefund,
  initiate,
  initiated,
  prepared,
  ready,
  refunded,
  reservedPayment,
  simulate,
} from '../helpers/flows.js';
import { ENGINES, startPlatform } from '../helpers/platform.js';
import { DAY, HOUR, MINUTE, SECOND } from '../../src/domain/durations.js';

/** The test platform's wall time at start (ManualTime's default). */
const START = Date.parse('2026-01-05T10:00:00Z');

const status = async (app: FastifyInstance, token: string, paymentId: string) => (await getPayment(app, token, paymentId)).status;

function sandboxClock(app: FastifyInstance, authorization: string | undefined, method: 'GET' | 'POST' = 'GET', body?: unknown) {
  return app.inject({
    method,
    url: '/sandbox/clock',
    headers: { ...(authorization ? { authorization } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
  });
}

async function clockNow(app: FastifyInstance, adminToken: string): Promise<string> {
  const response = await sandboxClock(app, `Bearer ${adminToken}`);
  assert.equal(response.statusCode, 200, response.body);
  return response.json<{ now: string }>().now;
}

for (const engine of ENGINES) {
  describe(`timers through the sandbox clock (${engine})`, () => {
    test('an Initiated payment left alone is CancelledByMobilePay exactly 5 minutes after it was created, and its PoS takes a new payment', async (t) => {
      const { app, platform } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      const pos = await createPos(app, token);
      const paymentId = await initiated(app, token, pos.posId);

      await advanceClock(app, platform.adminToken, 4 * MINUTE);
      assert.equal(await status(app, token, paymentId), 'Initiated');
      assertError(await initiate(app, token, pos.posId), 409, '1301');
      await advanceClock(app, platform.adminToken, MINUTE - 1);
      assert.equal(await status(app, token, paymentId), 'Initiated');
      await advanceClock(app, platform.adminToken, 1);
      const cancelled = await getPayment(app, token, paymentId);
      assert.equal(cancelled.status, 'CancelledByMobilePay');
      assert.equal(cancelled.paymentExpiresAt, undefined);
      await initiated(app, token, pos.posId);
    });

    test('an IssuedToUser, a Prepared and a Paired payment left alone are cancelled by MobilePay after 5 minutes too', async (t) => {
      const { app, platform } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      const issuedPos = await createPos(app, token);
      const issued = await initiated(app, token, issuedPos.posId);
      assert.equal((await simulate(app, token, 'checkin', { beaconId: issuedPos.beaconId, phoneNumber: USERS.credit })).statusCode, 200);
      const preparedId = await prepared(app, token, (await createPos(app, token)).posId);
      const pairedPos = await createPos(app, token);
      const paired = await prepared(app, token, pairedPos.posId);
      assert.equal((await simulate(app, token, 'checkin', { beaconId: pairedPos.beaconId, phoneNumber: USERS.debit })).statusCode, 200);
      const ids = [issued, preparedId, paired];
      assert.deepEqual(await Promise.all(ids.map((id) => status(app, token, id))), ['IssuedToUser', 'Prepared', 'Paired']);

      assertDue(await advanceAndRun(platform, 5 * MINUTE - 1), {});
      assert.deepEqual(await Promise.all(ids.map((id) => status(app, token, id))), ['IssuedToUser', 'Prepared', 'Paired']);
      assertDue(await advanceAndRun(platform, 1), { payments: 3 });
      assert.deepEqual(await Promise.all(ids.map((id) => status(app, token, id))), Array(3).fill('CancelledByMobilePay'));
    });

    test('any activity restarts the inactivity timer: a check-in or a ready at 4 minutes keeps the payment 5 more minutes', async (t) => {
      const { app, platform } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      const pos = await createPos(app, token);
      const checkedIn = await initiated(app, token, pos.posId);
      const readied = await prepared(app, token, (await createPos(app, token)).posId);

      await advanceClock(app, platform.adminToken, 4 * MINUTE);
      assert.equal((await simulate(app, token, 'checkin', { beaconId: pos.beaconId, phoneNumber: USERS.credit })).statusCode, 200);
      assert.equal((await ready(app, token, readied)).statusCode, 200);
      await advanceClock(app, platform.adminToken, 4 * MINUTE); // 8 minutes after creation, 4 after the activity
      assert.equal(await status(app, token, checkedIn), 'IssuedToUser');
      assert.equal(await status(app, token, readied), 'Initiated');
      await advanceClock(app, platform.adminToken, MINUTE); // 5 minutes after the activity
      assert.equal(await status(app, token, checkedIn), 'CancelledByMobilePay');
      assert.equal(await status(app, token, readied), 'CancelledByMobilePay');
    });

    test('a Reserved payment not captured within 7 days is ExpiredAndCancelled, whatever plannedCaptureDelay says', async (t) => {
      const { app, platform } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      const ids: string[] = [];
      for (const plannedCaptureDelay of ['None', 'LessThan24Hours', 'LessThan14Days']) {
        ids.push((await reservedPayment(app, token, 100, { plannedCaptureDelay })).paymentId);
      }
      for (const id of ids) assert.equal((await getPayment(app, token, id)).paymentExpiresAt, new Date(START + 7 * DAY).toISOString());

      const early = await advanceAndRun(platform, 7 * DAY - 1);
      assert.equal(early.payments, 0);
      assert.deepEqual(await Promise.all(ids.map((id) => status(app, token, id))), Array(3).fill('Reserved'));
      assert.equal((await advanceAndRun(platform, 1)).payments, 3);
      assert.deepEqual(await Promise.all(ids.map((id) => status(app, token, id))), Array(3).fill('ExpiredAndCancelled'));
      assertError(await capture(app, token, ids[2]!, 100), 409, '1304');
    });

    test('a Reserved refund is captured automatically after 24 hours (ExpiredAndCaptured); a capture is then 1351 and a cancel 1352', async (t) => {
      const { app, platform } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      const paymentId = await capturedPayment(app, token, 100);
      const refundId = await refunded(app, token, paymentId, 25);

      assert.equal((await advanceAndRun(platform, DAY - 1)).refunds, 0);
      assert.equal((await getRefund(app, token, refundId)).status, 'Reserved');
      assert.equal((await advanceAndRun(platform, 1)).refunds, 1);
      const expired = await getRefund(app, token, refundId);
      assert.equal(expired.status, 'ExpiredAndCaptured');
      assert.equal(expired.amount, 25);
      assertError(await v10(app, 'POST', `/refunds/${refundId}/capture`, { token }), 409, '1351');
      assertError(await v10(app, 'POST', `/refunds/${refundId}/cancel`, { token }), 409, '1352');
      assert.equal((await getRefund(app, token, refundId)).status, 'ExpiredAndCaptured');
    });

    test('a check-in waiting for a payment expires after 60 seconds; within them a new payment is issued to that customer', async (t) => {
      const { app, platform } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      const late = await createPos(app, token);
      const early = await createPos(app, token);
      for (const pos of [late, early]) {
        assert.equal((await simulate(app, token, 'checkin', { beaconId: pos.beaconId, phoneNumber: USERS.loyalty })).statusCode, 200);
      }
      assert.equal((await getCheckin(app, token, late.posId)).isUserCheckedIn, true);

      await advanceClock(app, platform.adminToken, 30 * SECOND);
      assert.equal(await status(app, token, await initiated(app, token, early.posId)), 'IssuedToUser');
      assertDue(await advanceAndRun(platform, 30 * SECOND - 1), {});
      assert.equal((await getCheckin(app, token, late.posId)).isUserCheckedIn, true);
      assertDue(await advanceAndRun(platform, 1), { checkins: 1 });
      assert.deepEqual(await getCheckin(app, token, late.posId), { isUserCheckedIn: false, pollDelayInMs: 1000 });
      const payment = await getPayment(app, token, await initiated(app, token, late.posId));
      assert.equal(payment.status, 'Initiated');
      assert.equal(payment.customerToken, undefined);
    });

    test('the daily payout runs at 00:00 UTC platform time and pays each store what it captured minus what it refunded', async (t) => {
      const { app, platform } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      const paymentId = await capturedPayment(app, token, 100);
      await refunded(app, token, paymentId, 30);
      const posB = await createPos(app, token, { storeId: STORE_B1 }, { vat: MERCHANT_B });
      await capturedPayment(app, token, 40, {}, { pos: posB, call: { vat: MERCHANT_B } });
      const payouts = async () =>
        (await platform.db.selectFrom('payouts').selectAll().orderBy('paid_at').orderBy('store_id').execute()).map((p) => ({
          storeId: p.store_id,
          amount: Number(p.amount),
          paidAt: new Date(Number(p.paid_at)).toISOString(),
        }));

      assertDue(await advanceAndRun(platform, 14 * HOUR - 1), {}); // 23:59:59.999
      assert.deepEqual(await payouts(), []);
      assertDue(await advanceAndRun(platform, 1), { payouts: 2 });
      const firstDay = [
        { storeId: STORE_A1, amount: 7000, paidAt: '2026-01-06T00:00:00.000Z' },
        { storeId: STORE_B1, amount: 4000, paidAt: '2026-01-06T00:00:00.000Z' },
      ];
      assert.deepEqual(await payouts(), firstDay);
      const balances = await platform.db.selectFrom('store_balances').select(['store_id', 'balance']).execute();
      assert.deepEqual(balances.map((b) => Number(b.balance)), [0, 0]);

      await capturedPayment(app, token, 25); // the next day, only store A1 takes money
      assertDue(await advanceAndRun(platform, DAY - 1), { refunds: 1 }); // the refund auto-captured at 10:00; no payout yet
      assertDue(await advanceAndRun(platform, 1), { payouts: 1 });
      assert.deepEqual(await payouts(), [...firstDay, { storeId: STORE_A1, amount: 2500, paidAt: '2026-01-07T00:00:00.000Z' }]);
    });

    test('every timing is configurable through the environment', async (t) => {
      const { app, platform } = await startPlatform(t, engine, {
        seed: TEST_SEED,
        env: { PAYMENT_INACTIVITY_TIMEOUT_MS: '10000', RESERVATION_LIFETIME_MS: '60000', REFUND_AUTO_CAPTURE_MS: '30000', CHECKIN_EXPIRY_MS: '5000' },
      });
      const token = await tokenFor(app);
      const inactive = await initiated(app, token, (await createPos(app, token)).posId);
      const { paymentId: reserved } = await reservedPayment(app, token, 100);
      const refundId = await refunded(app, token, await capturedPayment(app, token, 100), 10);
      const waiting = await createPos(app, token);
      assert.equal((await simulate(app, token, 'checkin', { beaconId: waiting.beaconId, phoneNumber: USERS.credit })).statusCode, 200);
      assert.equal((await getPayment(app, token, inactive)).paymentExpiresAt, new Date(START + 10 * SECOND).toISOString());
      assert.equal((await getPayment(app, token, reserved)).paymentExpiresAt, new Date(START + 60 * SECOND).toISOString());

      assertDue(await advanceAndRun(platform, 5 * SECOND), { checkins: 1 });
      assertDue(await advanceAndRun(platform, 5 * SECOND), { payments: 1 });
      assert.equal(await status(app, token, inactive), 'CancelledByMobilePay');
      assertDue(await advanceAndRun(platform, 20 * SECOND), { refunds: 1 });
      assert.equal((await getRefund(app, token, refundId)).status, 'ExpiredAndCaptured');
      assertDue(await advanceAndRun(platform, 30 * SECOND - 1), {});
      assertDue(await advanceAndRun(platform, 1), { payments: 1 });
      assert.equal(await status(app, token, reserved), 'ExpiredAndCancelled');
    });

    test('paymentExpiresAt is the due time of the next timeout in platform time, and the payment moves exactly then', async (t) => {
      const { app, platform } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      const pos = await createPos(app, token);
      const paymentId = await initiated(app, token, pos.posId);
      const plus = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();
      assert.equal((await getPayment(app, token, paymentId)).paymentExpiresAt, new Date(START + 5 * MINUTE).toISOString());

      const checkedInAt = await advanceClock(app, platform.adminToken, 2 * MINUTE);
      assert.equal((await simulate(app, token, 'checkin', { beaconId: pos.beaconId, phoneNumber: USERS.credit })).statusCode, 200);
      assert.equal((await getPayment(app, token, paymentId)).paymentExpiresAt, plus(checkedInAt, 5 * MINUTE));
      const acceptedAt = await advanceClock(app, platform.adminToken, 3 * MINUTE - 1);
      assert.equal((await simulate(app, token, 'acceptpayment', { beaconId: pos.beaconId, phoneNumber: USERS.credit })).statusCode, 200);
      const reserved = await getPayment(app, token, paymentId);
      assert.equal(reserved.paymentExpiresAt, plus(acceptedAt, 7 * DAY));

      await advanceClock(app, platform.adminToken, Date.parse(reserved.paymentExpiresAt as string) - Date.parse(acceptedAt) - 1);
      assert.equal(await status(app, token, paymentId), 'Reserved');
      assert.equal(await advanceClock(app, platform.adminToken, 1), reserved.paymentExpiresAt);
      const expired = await getPayment(app, token, paymentId);
      assert.equal(expired.status, 'ExpiredAndCancelled');
      assert.equal(expired.paymentExpiresAt, undefined);

      // A captured payment has no timeout left.
      const capturedId = await capturedPayment(app, token, 10);
      assert.equal((await getPayment(app, token, capturedId)).paymentExpiresAt, undefined);
    });

    test('GET /sandbox/clock moves by exactly the advance and never backwards; a negative advance is 400 1099', async (t) => {
      const { app, platform, time } = await startPlatform(t, engine, { seed: TEST_SEED });
      const admin = `Bearer ${platform.adminToken}`;
      const at = (ms: number) => new Date(START + ms).toISOString();
      assert.equal(await clockNow(app, platform.adminToken), at(0));

      assert.equal(await advanceClock(app, platform.adminToken, 1234), at(1234));
      assert.equal(await clockNow(app, platform.adminToken), at(1234));
      assert.equal(await advanceClock(app, platform.adminToken, 0), at(1234));
      assert.equal(await advanceClock(app, platform.adminToken, 3 * DAY), at(1234 + 3 * DAY));

      for (const body of [{ advanceMs: -1 }, { advanceMs: -DAY }, { advanceMs: 1.5 }, { advanceMs: '1000' }, {}]) {
        const refused = await sandboxClock(app, admin, 'POST', body);
        assertError(refused, 400, '1099');
      }
      assert.equal(await clockNow(app, platform.adminToken), at(1234 + 3 * DAY));
      // Wall time keeps running under the offset.
      time.advance(500);
      assert.equal(await clockNow(app, platform.adminToken), at(1734 + 3 * DAY));
    });

    test('the sandbox clock needs the admin token: without it, with a wrong one or with an integrator token it is 401', async (t) => {
      const { app, platform } = await startPlatform(t, engine, { seed: TEST_SEED });
      const integrator = await tokenFor(app);
      for (const authorization of [undefined, 'Bearer wrong-admin-token', `Bearer ${integrator}`, platform.adminToken, `Basic ${platform.adminToken}`]) {
        assertError(await sandboxClock(app, authorization), 401, null);
        assertError(await sandboxClock(app, authorization, 'POST', { advanceMs: DAY }), 401, null);
      }
      assert.equal(await clockNow(app, platform.adminToken), new Date(START).toISOString());
    });

    test('with SANDBOX=false the sandbox clock and the user simulation do not exist (404)', async (t) => {
      const { app, platform } = await startPlatform(t, engine, { seed: TEST_SEED, env: { SANDBOX: 'false' } });
      const token = await tokenFor(app);
      const pos = await createPos(app, token);
      const admin = `Bearer ${platform.adminToken}`;
      assert.equal((await sandboxClock(app, admin)).statusCode, 404);
      assert.equal((await sandboxClock(app, admin, 'POST', { advanceMs: DAY })).statusCode, 404);
      for (const action of ['checkin', 'acceptpayment', 'cancelpaymentbyuser'] as const) {
        const response = await simulate(app, token, action, { beaconId: pos.beaconId, phoneNumber: USERS.credit });
        assert.equal(response.statusCode, 404, `${action}: ${response.body}`);
      }
      assert.equal(platform.clock.now(), START);
    });
  });
}
