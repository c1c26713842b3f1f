import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { CLIENT_2, STORE_A1, TEST_SEED, tokenFor, v10, v10Headers } from '../helpers/fixtures.js';
import { assertContract } from '../helpers/contract.js';
import {
  USERS,
  advanceClock,
  assertError,
  cancel,
  capture,
  capturedPayment,
  createPos,
  createRefund,
  getRefund,
  initiate,
  initiated,
  listPayments,
  refundBody,
  refunded,
  reserve,
  reservedPayment,
  unique,
} from '../helpers/flows.js';
import { ENGINES, startPlatform } from '../helpers/platform.js';
import { DAY, HOUR } from '../../src/domain/durations.js';

const UNKNOWN_ID = '0f000000-0000-4000-8000-000000000000';

const captureRefund = (app: FastifyInstance, token: string, refundId: string) => v10(app, 'POST', `/refunds/${refundId}/capture`, { token });
const cancelRefund = (app: FastifyInstance, token: string, refundId: string) => v10(app, 'POST', `/refunds/${refundId}/cancel`, { token });

async function listRefunds(app: FastifyInstance, token: string, paymentId: string): Promise<string[]> {
  const response = await v10(app, 'GET', `/refunds?paymentId=${paymentId}`, { token });
  assert.equal(response.statusCode, 200, response.body);
  assertContract('QueryRefundIdsResponse', response.json());
  return response.json<{ refundIds: string[] }>().refundIds;
}

/** A success with no content: 200 and an empty body (SPEC §2). */
function assertEmpty200(response: { statusCode: number; body: string }): void {
  assert.equal(response.statusCode, 200, response.body);
  assert.equal(response.body, '');
}

for (const engine of ENGINES) {
  describe(`refunds (${engine})`, () => {
    test('a refund of a captured payment is Reserved at once, readable as the contract shapes it, and a capture makes it Captured', async (t) => {
      const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      const paymentId = await capturedPayment(app, token, 100);

      const created = await v10(app, 'POST', '/refunds', { token, idempotencyKey: unique() }, { paymentId, refundOrderId: 'REFUND-12345', amount: 12.5, currencyCode: 'DKK' });
      assert.equal(created.statusCode, 200, created.body);
      assertContract('CreateRefundResponse', created.json());
      const { refundId } = created.json();

      assert.deepEqual(await getRefund(app, token, refundId), {
        refundId,
        paymentId,
        refundOrderId: 'REFUND-12345',
        amount: 12.5,
        currencyCode: 'DKK',
        status: 'Reserved',
        pollDelayInMs: 1000,
      });
      assertEmpty200(await captureRefund(app, token, refundId));
      const captured = await getRefund(app, token, refundId);
      assert.equal(captured.status, 'Captured');
      assert.equal(captured.amount, 12.5);
    });

    test('cancelling a reserved refund makes it CancelledByClient and its amount refundable again', async (t) => {
      const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      const paymentId = await capturedPayment(app, token, 100);
      const refundId = await refunded(app, token, paymentId, 100);
      assertError(await createRefund(app, token, paymentId, { amount: 0.01 }), 409, '1367');

      assertEmpty200(await cancelRefund(app, token, refundId));
      assert.equal((await getRefund(app, token, refundId)).status, 'CancelledByClient');
      const again = await refunded(app, token, paymentId, 100);
      assert.equal((await getRefund(app, token, again)).status, 'Reserved');
      assertError(await createRefund(app, token, paymentId, { amount: 0.01 }), 409, '1367');
    });

    test('lists the refund ids of a payment, cancelled ones included, and only of that payment; without paymentId it is 400 1110', async (t) => {
      const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      const first = await capturedPayment(app, token, 100);
      const second = await capturedPayment(app, token, 100);
      const ids: string[] = [];
      for (const amount of [10, 20, 30]) ids.push(await refunded(app, token, first, amount));
      assertEmpty200(await cancelRefund(app, token, ids[1]!));
      const other = await refunded(app, token, second, 5);
      const none = await capturedPayment(app, token, 100);

      // The contract gives no order.
      assert.deepEqual((await listRefunds(app, token, first)).sort(), [...ids].sort());
      assert.deepEqual(await listRefunds(app, token, second), [other]);
      assert.deepEqual(await listRefunds(app, token, none), []);
      assert.deepEqual(await listRefunds(app, token, UNKNOWN_ID), []);
      // Another integrator learns nothing about them.
      assert.deepEqual(await listRefunds(app, await tokenFor(app, CLIENT_2), first), []);

      assertError(await v10(app, 'GET', '/refunds', { token }), 400, '1110');
    });

    test('partial refunds may add up to exactly the captured amount (not the reserved one); one cent more is 409 1367', async (t) => {
      const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      // Reserved 100.00, captured 60.00: refunds are limited by the captured amount.
      const { paymentId: partial } = await reservedPayment(app, token, 100, {}, { phoneNumber: USERS.partialCapture });
      assert.equal((await capture(app, token, partial, 60)).statusCode, 200);
      const other = await capturedPayment(app, token, 60);

      for (const amount of [20, 25.5, 14.49]) await refunded(app, token, partial, amount);
      assertError(await createRefund(app, token, partial, { amount: 0.02 }), 409, '1367');
      await refunded(app, token, partial, 0.01);
      assertError(await createRefund(app, token, partial, { amount: 0.01 }), 409, '1367');

      const amounts = await Promise.all((await listRefunds(app, token, partial)).map(async (id) => (await getRefund(app, token, id)).amount));
      assert.deepEqual(amounts.sort((a, b) => a - b), [0.01, 14.49, 20, 25.5]);
      // Another payment's refundable amount is its own.
      await refunded(app, token, other, 60);
    });

    test('refuses a refund of an unknown payment with 409 1001', async (t) => {
      const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      assertError(await createRefund(app, token, UNKNOWN_ID), 409, '1001');
    });

    test('refuses a refund of a payment that is not Captured with 409 1354: Initiated, Reserved, cancelled', async (t) => {
      const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      const initiatedId = await initiated(app, token, (await createPos(app, token)).posId);
      const { paymentId: reservedId } = await reservedPayment(app, token, 100);
      const { paymentId: cancelledId } = await reservedPayment(app, token, 100);
      assert.equal((await cancel(app, token, cancelledId)).statusCode, 200);

      for (const paymentId of [initiatedId, reservedId, cancelledId]) {
        assertError(await createRefund(app, token, paymentId), 409, '1354');
        assert.deepEqual(await listRefunds(app, token, paymentId), []);
      }
    });

    test('refuses a refund in another currency than the payment with 409 1365', async (t) => {
      const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      const dkk = await capturedPayment(app, token, 100);
      assertError(await createRefund(app, token, dkk, { currencyCode: 'EUR' }), 409, '1365');
      const eur = await capturedPayment(app, token, 100, { currencyCode: 'EUR' });
      assertError(await createRefund(app, token, eur, { currencyCode: 'DKK' }), 409, '1365');
      const refundId = await refunded(app, token, dkk, 10);
      const eurRefund = await createRefund(app, token, eur, { currencyCode: 'EUR' });
      assert.equal(eurRefund.statusCode, 200, eurRefund.body);
      assert.equal((await getRefund(app, token, eurRefund.json().refundId)).currencyCode, 'EUR');
      assert.equal((await getRefund(app, token, refundId)).currencyCode, 'DKK');
    });

    test('a capture may be refunded for 90 days; later it is 409 1366, which SPEC checks before the store balance (1368)', async (t) => {
      const { app, platform } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      const old = await capturedPayment(app, token, 100);

      await advanceClock(app, platform.adminToken, 90 * DAY); // daily payouts have emptied the balance meanwhile
      await capturedPayment(app, token, 100); // today's takings cover a refund
      await refunded(app, token, old, 10); // captured exactly 90 days ago: still allowed

      await advanceClock(app, platform.adminToken, DAY); // 91 days; the payout emptied the balance again
      assertError(await createRefund(app, token, old), 409, '1366');
      const fresh = await capturedPayment(app, token, 100);
      assertError(await createRefund(app, token, old), 409, '1366');
      await refunded(app, token, fresh, 10);
    });

    test('the day after a payout a refund is 409 1368 unless the store took enough new payments that day', async (t) => {
      const { app, platform } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      const yesterday = await capturedPayment(app, token, 100); // 2026-01-05T10:00Z
      await refunded(app, token, yesterday, 10); // same day: the store holds 100.00

      await advanceClock(app, platform.adminToken, 15 * HOUR); // 2026-01-06T01:00Z, after the 00:00 payout
      const payouts = await platform.db.selectFrom('payouts').selectAll().execute();
      assert.deepEqual(payouts.map((p) => ({ amount: Number(p.amount), paidAt: new Date(Number(p.paid_at)).toISOString() })), [
        { amount: 9000, paidAt: '2026-01-06T00:00:00.000Z' },
      ]);
      assertError(await createRefund(app, token, yesterday, { amount: 10 }), 409, '1368');
      // Above what is left of the capture (90.00) it is 1367, which SPEC lists before the balance.
      assertError(await createRefund(app, token, yesterday, { amount: 90.01 }), 409, '1367');

      await capturedPayment(app, token, 30); // today's takings
      assertError(await createRefund(app, token, yesterday, { amount: 30.01 }), 409, '1368');
      const refundId = await refunded(app, token, yesterday, 30);
      assertError(await createRefund(app, token, yesterday, { amount: 0.01 }), 409, '1368');
      // A cancelled refund gives its amount back to the balance.
      assertEmpty200(await cancelRefund(app, token, refundId));
      await refunded(app, token, yesterday, 30);
    });

    test('refuses an invalid refundOrderId with 400 1114, an invalid amount (or not a number) with 400 1102 and wrong types with 1099, creating nothing', async (t) => {
      const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      const paymentId = await capturedPayment(app, token, 100);
      const cases: [Record<string, unknown>, string][] = [
        [{ refundOrderId: '' }, '1114'],
        [{ refundOrderId: 'x'.repeat(37) }, '1114'],
        [{ refundOrderId: 'refund😀' }, '1114'],
        [{ refundOrderId: 'line\nbreak' }, '1114'],
        [{ amount: 0 }, '1102'],
        [{ amount: -5 }, '1102'],
        [{ amount: 1.234 }, '1102'],
        [{ amount: 1_000_000.01 }, '1102'],
        [{ amount: '10.001' }, '1102'], // a string that is not a plain decimal amount (SPEC §2.2, §2.7)
        [{ amount: '1e1' }, '1102'],
        [{ currencyCode: 'SEK' }, '1099'],
        [{ paymentId: 'payment-1' }, '1099'],
      ];
      for (const [overrides, code] of cases) {
        const response = await createRefund(app, token, paymentId, overrides);
        assert.equal(response.statusCode, 400, `${JSON.stringify(overrides)}: ${response.body}`);
        assertError(response, 400, code);
      }
      const { amount: _, ...withoutAmount } = refundBody(paymentId);
      assertError(await v10(app, 'POST', '/refunds', { token, idempotencyKey: unique() }, withoutAmount), 400, '1099');
      const malformed = await app.inject({
        method: 'POST',
        url: '/pos/v10/refunds',
        headers: v10Headers({ token, idempotencyKey: unique() }, true),
        payload: '{"paymentId": ',
      });
      assertError(malformed, 400, '1099');
      assert.deepEqual(await listRefunds(app, token, paymentId), []);
      // 36 valid characters, Nordic letters included, are fine.
      assert.equal((await createRefund(app, token, paymentId, { refundOrderId: 'Ø'.repeat(36) })).statusCode, 200);
    });

    test("another integrator's refund is 403 1402 to read, capture and cancel, its payment 403 1401 to refund; an unknown refund is 404", async (t) => {
      const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      const paymentId = await capturedPayment(app, token, 100);
      const refundId = await refunded(app, token, paymentId, 10);
      const other = await tokenFor(app, CLIENT_2);

      assertError(await v10(app, 'GET', `/refunds/${refundId}`, { token: other }), 403, '1402');
      assertError(await captureRefund(app, other, refundId), 403, '1402');
      assertError(await cancelRefund(app, other, refundId), 403, '1402');
      assertError(await createRefund(app, other, paymentId), 403, '1401');
      assert.equal((await getRefund(app, token, refundId)).status, 'Reserved');

      for (const id of [UNKNOWN_ID, 'not-a-guid']) {
        assertError(await v10(app, 'GET', `/refunds/${id}`, { token }), 404, '1004');
        assertError(await captureRefund(app, token, id), 404, '1004');
        assertError(await cancelRefund(app, token, id), 404, '1004');
      }
    });

    test('capturing a cancelled refund is 409 1351 and cancelling a captured one is 409 1352', async (t) => {
      const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      const paymentId = await capturedPayment(app, token, 100);
      const cancelled = await refunded(app, token, paymentId, 10);
      const captured = await refunded(app, token, paymentId, 10);
      assertEmpty200(await cancelRefund(app, token, cancelled));
      assertEmpty200(await captureRefund(app, token, captured));

      assertError(await captureRefund(app, token, cancelled), 409, '1351');
      assertError(await cancelRefund(app, token, captured), 409, '1352');
      assert.equal((await getRefund(app, token, cancelled)).status, 'CancelledByClient');
      assert.equal((await getRefund(app, token, captured)).status, 'Captured');
    });

    test('a repeated capture and a repeated cancel answer 200 and change nothing', async (t) => {
      const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      const paymentId = await capturedPayment(app, token, 100);
      const captured = await refunded(app, token, paymentId, 40);
      const cancelled = await refunded(app, token, paymentId, 60);
      for (let i = 0; i < 2; i++) {
        assertEmpty200(await captureRefund(app, token, captured));
        assertEmpty200(await cancelRefund(app, token, cancelled));
      }
      assert.equal((await getRefund(app, token, captured)).status, 'Captured');
      assert.equal((await getRefund(app, token, cancelled)).status, 'CancelledByClient');
      // The second cancel gave nothing back twice: 60.00 is refundable, not 120.00.
      assertError(await createRefund(app, token, paymentId, { amount: 60.01 }), 409, '1367');
      await refunded(app, token, paymentId, 60);
    });

    describe('idempotency', () => {
      test('a retry with the same key and body returns the same refundId and refunds once; another body is 409 1306', async (t) => {
        const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
        const token = await tokenFor(app);
        const paymentId = await capturedPayment(app, token, 100);
        const idempotencyKey = unique();
        const body = refundBody(paymentId, { amount: 60 });
        const first = await v10(app, 'POST', '/refunds', { token, idempotencyKey }, body);
        assert.equal(first.statusCode, 200, first.body);
        const retry = await v10(app, 'POST', '/refunds', { token, idempotencyKey }, { currencyCode: 'DKK', amount: 60, refundOrderId: body.refundOrderId, paymentId });
        assert.equal(retry.statusCode, 200, retry.body);
        assertContract('CreateRefundResponse', retry.json());
        assert.deepEqual(retry.json(), first.json());
        assert.deepEqual(await listRefunds(app, token, paymentId), [first.json().refundId]);

        assertError(await v10(app, 'POST', '/refunds', { token, idempotencyKey }, { ...body, amount: 30 }), 409, '1306');
        // Only the first 60.00 is booked: 40.00 is left.
        await refunded(app, token, paymentId, 40);
      });

      test('keys are scoped per endpoint and integrator: a key used to initiate a payment, or by another integrator, creates a refund', async (t) => {
        const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
        const token = await tokenFor(app);
        const idempotencyKey = unique();
        const pos = await createPos(app, token);
        assert.equal((await initiate(app, token, pos.posId, {}, { idempotencyKey })).statusCode, 200);
        await reserve(app, token, pos);
        const [paymentId] = await listPayments(app, token, `posId=${pos.posId}`);
        assert.equal((await capture(app, token, paymentId!, 100)).statusCode, 200);

        const refund = await v10(app, 'POST', '/refunds', { token, idempotencyKey }, refundBody(paymentId!));
        assert.equal(refund.statusCode, 200, refund.body);
        assertContract('CreateRefundResponse', refund.json());
        const other = await v10(app, 'POST', '/refunds', { token: await tokenFor(app, CLIENT_2), idempotencyKey }, refundBody(paymentId!));
        assertError(other, 403, '1401'); // judged on its own, not answered from the first integrator's record
      });

      test('10 concurrent retries with one key create exactly one refund and all answer its id', async (t) => {
        const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
        const token = await tokenFor(app);
        const paymentId = await capturedPayment(app, token, 100);
        const idempotencyKey = unique();
        const body = refundBody(paymentId, { amount: 60 });
        const responses = await Promise.all(Array.from({ length: 10 }, () => v10(app, 'POST', '/refunds', { token, idempotencyKey }, body)));
        assert.deepEqual(responses.map((r) => r.statusCode), Array(10).fill(200), responses.map((r) => r.body).join('\n'));
        assert.equal(new Set(responses.map((r) => r.json().refundId)).size, 1);
        assert.equal((await listRefunds(app, token, paymentId)).length, 1);
        await refunded(app, token, paymentId, 40);
      });

      test('a refused refund stores nothing: the same key may be retried once the cause is fixed', async (t) => {
        const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
        const token = await tokenFor(app);
        const paymentId = await capturedPayment(app, token, 100);
        const idempotencyKey = unique();
        const body = refundBody(paymentId, { amount: 10 });
        assertError(await v10(app, 'POST', '/refunds', { token, idempotencyKey }, { ...body, currencyCode: 'EUR' }), 409, '1365');
        const fixed = await v10(app, 'POST', '/refunds', { token, idempotencyKey }, body);
        assert.equal(fixed.statusCode, 200, fixed.body);
      });
    });

    test('a call without a token, with a bad token, or with a missing header is refused with an ErrorResponseV2 carrying origin PoS', async (t) => {
      const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      const paymentId = await capturedPayment(app, token, 100);
      const refundId = await refunded(app, token, paymentId, 10);

      const calls = [
        { method: 'POST' as const, url: '/pos/v10/refunds', payload: JSON.stringify(refundBody(paymentId)) },
        { method: 'GET' as const, url: `/pos/v10/refunds/${refundId}` },
        { method: 'GET' as const, url: `/pos/v10/refunds?paymentId=${paymentId}` },
        { method: 'POST' as const, url: `/pos/v10/refunds/${refundId}/capture` },
        { method: 'POST' as const, url: `/pos/v10/refunds/${refundId}/cancel` },
      ];
      for (const call of calls) {
        for (const authorization of [undefined, 'Bearer not.a.jwt']) {
          const response = await app.inject({
            ...call,
            headers: {
              ...(authorization ? { authorization } : {}),
              'x-mobilepay-client-system-version': '1.2.3',
              'x-mobilepay-merchant-vat-number': 'DK11111111',
              'x-mobilepay-idempotency-key': unique(),
              'content-type': 'application/json',
            },
          });
          assertError(response, 401, null);
        }
      }
      assertError(await v10(app, 'POST', '/refunds', { token }, refundBody(paymentId)), 400, '1164');
      assertError(await v10(app, 'GET', `/refunds/${refundId}`, { token, headers: { 'x-mobilepay-client-system-version': undefined } }), 400, '1153');
      assertError(await v10(app, 'GET', `/refunds/${refundId}`, { token, vat: 'DK1' }), 400, '1159');
      assert.equal((await getRefund(app, token, refundId)).status, 'Reserved');
    });

    test('10 parallel refunds of 30.00 on a 100.00 payment: exactly 3 succeed and the rest are 409 1367', async (t) => {
      const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      const paymentId = await capturedPayment(app, token, 100);
      const responses = await Promise.all(Array.from({ length: 10 }, () => createRefund(app, token, paymentId, { amount: 30 })));
      const succeeded = responses.filter((r) => r.statusCode === 200);
      assert.equal(succeeded.length, 3, responses.map((r) => r.body).join('\n'));
      for (const r of responses.filter((r) => r.statusCode !== 200)) assertError(r, 409, '1367');

      const ids = await listRefunds(app, token, paymentId);
      assert.deepEqual([...ids].sort(), succeeded.map((r) => r.json().refundId).sort());
      const total = (await Promise.all(ids.map((id) => getRefund(app, token, id)))).reduce((sum, r) => sum + r.amount * 100, 0);
      assert.equal(total, 9000);
      await refunded(app, token, paymentId, 10);
      assertError(await createRefund(app, token, paymentId, { amount: 0.01 }), 409, '1367');
    });

    test('parallel refunds on two payments of one store never exceed the store balance (1368)', async (t) => {
      const { app, platform } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      const first = await capturedPayment(app, token, 100);
      const second = await capturedPayment(app, token, 100);
      await advanceClock(app, platform.adminToken, 15 * HOUR); // paid out at 00:00: the store holds nothing
      const today = await capturedPayment(app, token, 50); // and now 50.00

      const responses = await Promise.all(Array.from({ length: 10 }, (_, i) => createRefund(app, token, i % 2 ? first : second, { amount: 10 })));
      assert.equal(responses.filter((r) => r.statusCode === 200).length, 5, responses.map((r) => r.body).join('\n'));
      for (const r of responses.filter((r) => r.statusCode !== 200)) assertError(r, 409, '1368');

      const ids = [...(await listRefunds(app, token, first)), ...(await listRefunds(app, token, second))];
      const total = (await Promise.all(ids.map((id) => getRefund(app, token, id)))).reduce((sum, r) => sum + r.amount * 100, 0);
      assert.equal(total, 5000);
      assertError(await createRefund(app, token, today, { amount: 0.01 }), 409, '1368');
    });

    test('refunds racing the midnight payout never take money that was paid out: the store balance never goes below zero', async (t) => {
      const { app, platform } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      const payments: string[] = [];
      for (let i = 0; i < 5; i++) payments.push(await capturedPayment(app, token, 100));
      for (let day = 0; day < 5; day++) {
        const untilMidnight = DAY - (platform.clock.now() % DAY);
        await advanceClock(app, platform.adminToken, untilMidnight - 5);
        const [, ...responses] = await Promise.all([
          advanceClock(app, platform.adminToken, 10), // runs the payout while the refunds are under way
          ...Array.from({ length: 40 }, (_, i) => createRefund(app, token, payments[i % payments.length]!, { amount: 1 })),
        ]);
        for (const r of responses.filter((r) => r.statusCode !== 200)) assertError(r, 409, '1368');
        const { balance } = await platform.db.selectFrom('store_balances').select('balance').where('store_id', '=', STORE_A1).executeTakeFirstOrThrow();
        const paidOut = await platform.db.selectFrom('payouts').select('amount').where('store_id', '=', STORE_A1).execute();
        const refundedMinor = responses.filter((r) => r.statusCode === 200).length * 100;
        assert.ok(Number(balance) >= 0, `day ${day}: balance ${balance} after ${refundedMinor / 100} refunded and payouts ${paidOut.map((p) => p.amount).join(', ')}`);
        await capturedPayment(app, token, 100); // the next day's takings
      }
    });
  });
}
