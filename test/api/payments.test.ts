import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Platform } from '../../src/platform.js';
import { assertContract } from '../helpers/contract.js';
import { CLIENT_2, MERCHANT_B, STORE_A1, STORE_A2_INACTIVE, STORE_B1, TEST_SEED, tokenFor, v10 } from '../helpers/fixtures.js';
import {
  accept,
  advanceClock,
  assertError,
  cancel,
  capture,
  checkIn,
  createPos,
  getPayment,
  initiate,
  initiated,
  listPayments,
  prepare,
  prepared,
  ready,
  reserve,
  reservedPayment,
  simulate,
  unique,
  USERS,
  type TestPos,
} from '../helpers/flows.js';
import { ENGINES, startPlatform } from '../helpers/platform.js';
import { DAY, MINUTE } from '../../src/domain/durations.js';

const iso = (ms: number) => new Date(ms).toISOString();
const UNKNOWN_ID = '0f000000-0000-4000-8000-000000000000';

/**
 * Amounts SPEC §2.2 refuses with 1102: ≤ 0, more than 2 decimals, above the maximum, not a number, and a string
 * that does not hold a plain decimal amount (one that does is accepted, SPEC §2.7: real-clients.test.ts).
 */
const INVALID_AMOUNTS: unknown[] = [0, -1, -0.01, 1.005, 0.001, 1e-7, 1000000.01, 2e21, '100.001', '1e2', ' 100', '0', null, true];
/** Order ids and labels SPEC §2.3 refuses: empty, 37 characters, emoji, a control character. */
const INVALID_TEXTS = ['', 'x'.repeat(37), 'order😀', 'tab\there'];

/** What the store has captured (minor units), read from the platform's own table. */
async function storeBalance(platform: Platform, storeId = STORE_A1): Promise<number> {
  const row = await platform.db.selectFrom('store_balances').select('balance').where('store_id', '=', storeId).executeTakeFirst();
  return Number(row?.balance ?? 0);
}

for (const engine of ENGINES) {
  describe(`payments (${engine})`, () => {
    describe('flows', () => {
      test('initiate → check-in → accept → capture: Initiated, IssuedToUser with the customer, Reserved with partialCapturePossible, Captured, listed by state=Captured', async (t) => {
        const { app, time } = await startPlatform(t, engine, { seed: TEST_SEED });
        const token = await tokenFor(app);
        const pos = await createPos(app, token);
        const orderId = unique('order');
        const paymentId = await initiated(app, token, pos.posId, { orderId, amount: 49.95, merchantPaymentLabel: 'Kaffe & kage', plannedCaptureDelay: 'LessThan24Hours' });
        const terms = { paymentId, posId: pos.posId, orderId, amount: 49.95, currencyCode: 'DKK', restrictions: null, merchantPaymentLabel: 'Kaffe & kage', plannedCaptureDelay: 'LessThan24Hours' };

        assert.deepEqual(await getPayment(app, token, paymentId), { ...terms, status: 'Initiated', paymentExpiresAt: iso(time.ms + 5 * MINUTE), pollDelayInMs: 1000 });
        assert.deepEqual(await listPayments(app, token, `posId=${pos.posId}`), [paymentId]);

        time.advance(10_000);
        assert.equal((await checkIn(app, token, pos, USERS.loyalty)).statusCode, 200);
        const issued = await getPayment(app, token, paymentId);
        assert.equal(issued.status, 'IssuedToUser');
        assert.equal(typeof issued.customerToken, 'string');
        assert.ok((issued.customerToken as string).length > 0, 'a paired payment carries the customerToken');
        assert.equal(typeof issued.customerReceiptToken, 'string');
        assert.deepEqual(issued.loyaltyIds, ['LOYALTY-1001', 'LOYALTY-1002']);
        assert.equal('partialCapturePossible' in issued, false, 'partialCapturePossible is present only in Reserved');
        assert.equal(issued.paymentExpiresAt, iso(time.ms + 5 * MINUTE), 'the check-in restarts the inactivity timeout');

        time.advance(10_000);
        assert.equal((await accept(app, token, pos, USERS.loyalty)).statusCode, 200);
        const reserved = await getPayment(app, token, paymentId);
        assert.deepEqual(reserved, {
          ...terms,
          status: 'Reserved',
          customerToken: issued.customerToken,
          customerReceiptToken: issued.customerReceiptToken,
          loyaltyIds: ['LOYALTY-1001', 'LOYALTY-1002'],
          partialCapturePossible: false,
          paymentExpiresAt: iso(time.ms + 7 * DAY),
          pollDelayInMs: 1000,
        });

        const captured = await capture(app, token, paymentId, 49.95);
        assert.equal(captured.statusCode, 200, captured.body);
        assert.equal(captured.body, '');
        const final = await getPayment(app, token, paymentId);
        assert.equal(final.status, 'Captured');
        assert.equal('partialCapturePossible' in final, false, 'partialCapturePossible is present only in Reserved');
        assert.equal(final.customerToken, issued.customerToken);

        assert.deepEqual(await listPayments(app, token, `posId=${pos.posId}&state=Captured`), [paymentId]);
        assert.deepEqual(await listPayments(app, token, `posId=${pos.posId}`), []);
      });

      test('prepare → check-in → ready → accept → capture: Prepared without amount, Paired, IssuedToUser, Reserved, Captured', async (t) => {
        const { app, time } = await startPlatform(t, engine, { seed: TEST_SEED });
        const token = await tokenFor(app);
        const pos = await createPos(app, token);
        const orderId = unique('order');
        const paymentId = await prepared(app, token, pos.posId, { orderId });
        assert.deepEqual(await getPayment(app, token, paymentId), {
          paymentId,
          posId: pos.posId,
          orderId,
          amount: null,
          currencyCode: null,
          restrictions: null,
          merchantPaymentLabel: null,
          plannedCaptureDelay: null,
          status: 'Prepared',
          paymentExpiresAt: iso(time.ms + 5 * MINUTE),
          pollDelayInMs: 1000,
        });

        assert.equal((await checkIn(app, token, pos, USERS.credit)).statusCode, 200);
        const paired = await getPayment(app, token, paymentId);
        assert.equal(paired.status, 'Paired');
        assert.equal(paired.amount, null);
        assert.ok(typeof paired.customerToken === 'string' && paired.customerToken.length > 0);
        assert.equal(typeof paired.customerReceiptToken, 'string');
        assert.deepEqual(paired.loyaltyIds, [], 'a customer without loyalty ids has an empty list: looked up, none');

        const readied = await ready(app, token, paymentId, { amount: 12.5, restrictions: { creditCardDisallowed: false }, merchantPaymentLabel: 'Bord 4' });
        assert.equal(readied.statusCode, 200, readied.body);
        assert.equal(readied.body, '');
        const issued = await getPayment(app, token, paymentId);
        assert.deepEqual(
          { status: issued.status, amount: issued.amount, currencyCode: issued.currencyCode, restrictions: issued.restrictions, merchantPaymentLabel: issued.merchantPaymentLabel, plannedCaptureDelay: issued.plannedCaptureDelay, customerToken: issued.customerToken },
          { status: 'IssuedToUser', amount: 12.5, currencyCode: 'DKK', restrictions: { creditCardDisallowed: false }, merchantPaymentLabel: 'Bord 4', plannedCaptureDelay: 'None', customerToken: paired.customerToken },
        );

        assert.equal((await accept(app, token, pos, USERS.credit)).statusCode, 200);
        const reserved = await getPayment(app, token, paymentId);
        assert.equal(reserved.status, 'Reserved');
        assert.equal(reserved.partialCapturePossible, false);
        assert.equal((await capture(app, token, paymentId, 12.5)).statusCode, 200);
        assert.equal((await getPayment(app, token, paymentId)).status, 'Captured');
      });

      test('ready is refused with 409 1303 unless the payment is Prepared or Paired', async (t) => {
        const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
        const token = await tokenFor(app);
        const pos = await createPos(app, token);
        const refusedInState = async (paymentId: string, status: string) => {
          assert.equal((await getPayment(app, token, paymentId)).status, status);
          assertError(await ready(app, token, paymentId), 409, '1303');
          assert.equal((await getPayment(app, token, paymentId)).status, status, 'a refused ready changes nothing');
        };

        const initiatedId = await initiated(app, token, pos.posId);
        await refusedInState(initiatedId, 'Initiated');
        await checkIn(app, token, pos, USERS.credit);
        await refusedInState(initiatedId, 'IssuedToUser');
        await accept(app, token, pos, USERS.credit);
        await refusedInState(initiatedId, 'Reserved');
        await capture(app, token, initiatedId, 100);
        await refusedInState(initiatedId, 'Captured');

        const preparedId = await prepared(app, token, pos.posId);
        assert.equal((await ready(app, token, preparedId)).statusCode, 200);
        await refusedInState(preparedId, 'Initiated'); // a second ready is no repeat
        await cancel(app, token, preparedId);
        await refusedInState(preparedId, 'CancelledByClient');
      });

      test('a Finnish test user (+358200318001) pays in EUR, and +358200318005 may capture partially', async (t) => {
        const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
        const token = await tokenFor(app);
        const pos = await createPos(app, token);
        const { paymentId: full } = await reservedPayment(app, token, 20, { currencyCode: 'EUR' }, { pos, phoneNumber: USERS.finnishCredit });
        assert.equal((await getPayment(app, token, full)).partialCapturePossible, false);
        assert.equal((await capture(app, token, full, 20)).statusCode, 200);

        const { paymentId: partial } = await reservedPayment(app, token, 20, { currencyCode: 'EUR' }, { pos, phoneNumber: USERS.finnishPartialCapture });
        assert.equal((await getPayment(app, token, partial)).partialCapturePossible, true);
        assert.equal((await capture(app, token, partial, 5)).statusCode, 200);
      });
    });

    describe('field validation', () => {
      test('refuses an invalid amount with 400 1102 on initiate, ready and capture, and changes nothing', async (t) => {
        const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
        const token = await tokenFor(app);
        const pos = await createPos(app, token);
        for (const amount of INVALID_AMOUNTS) assertError(await initiate(app, token, pos.posId, { amount }), 400, '1102');
        assert.deepEqual(await listPayments(app, token, `posId=${pos.posId}`), []);

        const paymentId = await prepared(app, token, pos.posId);
        for (const amount of INVALID_AMOUNTS) assertError(await ready(app, token, paymentId, { amount }), 400, '1102');
        const stillPrepared = await getPayment(app, token, paymentId);
        assert.deepEqual([stillPrepared.status, stillPrepared.amount], ['Prepared', null]);

        assert.equal((await ready(app, token, paymentId, { amount: 100 })).statusCode, 200);
        await reserve(app, token, pos);
        for (const amount of INVALID_AMOUNTS) assertError(await capture(app, token, paymentId, amount), 400, '1102');
        assert.equal((await getPayment(app, token, paymentId)).status, 'Reserved');
      });

      test('refuses an invalid orderId with 400 1113 on initiate, prepare and the payment query; accepts 36 valid characters', async (t) => {
        const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
        const token = await tokenFor(app);
        const pos = await createPos(app, token);
        for (const orderId of INVALID_TEXTS) {
          assertError(await initiate(app, token, pos.posId, { orderId }), 400, '1113');
          assertError(await prepare(app, token, pos.posId, { orderId }), 400, '1113');
          if (orderId !== '') assertError(await v10(app, 'GET', `/payments?orderId=${encodeURIComponent(orderId)}`, { token }), 400, '1113');
        }
        assert.deepEqual(await listPayments(app, token, `posId=${pos.posId}`), []);
        const longest = `Ordre-æøå-${'x'.repeat(26)}`;
        const paymentId = await initiated(app, token, pos.posId, { orderId: longest });
        assert.equal((await getPayment(app, token, paymentId)).orderId, longest);
      });

      test('refuses an invalid merchantPaymentLabel with 400 1117 on initiate and ready', async (t) => {
        const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
        const token = await tokenFor(app);
        const pos = await createPos(app, token);
        for (const merchantPaymentLabel of INVALID_TEXTS) assertError(await initiate(app, token, pos.posId, { merchantPaymentLabel }), 400, '1117');
        const paymentId = await prepared(app, token, pos.posId);
        for (const merchantPaymentLabel of INVALID_TEXTS) assertError(await ready(app, token, paymentId, { merchantPaymentLabel }), 400, '1117');
        assert.equal((await getPayment(app, token, paymentId)).status, 'Prepared');
      });

      test('refuses wrong types, unknown enum values and missing fields with 400 1099', async (t) => {
        const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
        const token = await tokenFor(app);
        const pos = await createPos(app, token);
        const wrong: Record<string, unknown>[] = [
          { amount: undefined },
          { currencyCode: 'SEK' },
          { currencyCode: 'dkk' },
          { currencyCode: undefined },
          { plannedCaptureDelay: 'Soon' },
          { plannedCaptureDelay: undefined },
          { orderId: 42 },
          { posId: 'till-1' },
          { restrictions: { debitCardDisallowed: 'yes' } },
          { merchantPaymentLabel: 7 },
        ];
        for (const overrides of wrong) {
          const response = await initiate(app, token, pos.posId, overrides);
          assert.equal(response.statusCode, 400, `${JSON.stringify(overrides)}: ${response.body}`);
          assertError(response, 400, '1099');
        }
        assertError(await prepare(app, token, pos.posId, { orderId: 7 }), 400, '1099');
        assertError(await prepare(app, token, pos.posId, { posId: undefined }), 400, '1099');
        assert.deepEqual(await listPayments(app, token, `posId=${pos.posId}`), []);

        const paymentId = await prepared(app, token, pos.posId);
        for (const overrides of [{ amount: undefined }, { currencyCode: 'USD' }, { plannedCaptureDelay: 'Never' }]) {
          assertError(await ready(app, token, paymentId, overrides), 400, '1099');
        }
        assertError(await v10(app, 'POST', `/payments/${paymentId}/capture`, { token }, {}), 400, '1099');
        assertError(await v10(app, 'GET', `/payments?posId=${pos.posId}&state=Reserved`, { token }), 400, '1099');
      });
    });

    describe('points of sale and ownership', () => {
      test('initiate and prepare on an unknown or a deleted PoS are refused with 409 1000', async (t) => {
        const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
        const token = await tokenFor(app);
        const pos = await createPos(app, token);
        assert.equal((await v10(app, 'DELETE', `/pointofsales/${pos.posId}`, { token })).statusCode, 200);
        for (const posId of [UNKNOWN_ID, pos.posId]) {
          assertError(await initiate(app, token, posId), 409, '1000');
          assertError(await prepare(app, token, posId), 409, '1000');
        }
      });

      test('initiate and prepare on a PoS of a not-activated store are refused with 409 1204, though the PoS can be created there', async (t) => {
        const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
        const token = await tokenFor(app);
        const pos = await createPos(app, token, { storeId: STORE_A2_INACTIVE });
        assertError(await initiate(app, token, pos.posId), 409, '1204');
        assertError(await prepare(app, token, pos.posId), 409, '1204');
      });

      test('a second active payment on a PoS is refused with 409 1301; once the first is Reserved the PoS takes a new one', async (t) => {
        const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
        const token = await tokenFor(app);
        const pos = await createPos(app, token);
        const first = await prepared(app, token, pos.posId);
        assertError(await initiate(app, token, pos.posId), 409, '1301');
        assertError(await prepare(app, token, pos.posId), 409, '1301');
        assert.equal((await ready(app, token, first)).statusCode, 200);
        assertError(await initiate(app, token, pos.posId), 409, '1301');
        await reserve(app, token, pos);
        const second = await initiated(app, token, pos.posId);
        assert.deepEqual((await listPayments(app, token, `posId=${pos.posId}`)).sort(), [first, second].sort());
      });

      test("initiate and prepare on another integrator's PoS are refused with 403 1400, and on another merchant's PoS with 403", async (t) => {
        const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
        const token = await tokenFor(app);
        const othersPos = await createPos(app, await tokenFor(app, CLIENT_2));
        assertError(await initiate(app, token, othersPos.posId), 403, '1400');
        assertError(await prepare(app, token, othersPos.posId), 403, '1400');
        // The contract's 403: "a point of sale created by a different integrator or merchant"; SPEC §2.2 names no code for it.
        const posOfB = await createPos(app, token, { storeId: STORE_B1 }, { vat: MERCHANT_B });
        for (const response of [await initiate(app, token, posOfB.posId), await prepare(app, token, posOfB.posId)]) {
          assert.equal(response.statusCode, 403, response.body);
          assertContract('ErrorResponse', response.json());
        }
        assert.deepEqual(await listPayments(app, token, `posId=${posOfB.posId}`, { vat: MERCHANT_B }), []);
      });

      test("another integrator's payment is refused with 403 1401 to get, ready, capture and cancel", async (t) => {
        const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
        const token = await tokenFor(app);
        const otherToken = await tokenFor(app, CLIENT_2);
        const othersPos = await createPos(app, otherToken);
        const paymentId = await prepared(app, otherToken, othersPos.posId);
        assertError(await v10(app, 'GET', `/payments/${paymentId}`, { token }), 403, '1401');
        assertError(await ready(app, token, paymentId), 403, '1401');
        assertError(await capture(app, token, paymentId, 100), 403, '1401');
        assertError(await cancel(app, token, paymentId), 403, '1401');
        assert.equal((await getPayment(app, otherToken, paymentId)).status, 'Prepared');
        assert.deepEqual(await listPayments(app, token, `posId=${othersPos.posId}`), []);
      });

      test('the same integrator acting for another merchant is refused: 1411 query, 1406 ready, 1407 capture, 1408 cancel', async (t) => {
        const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
        const token = await tokenFor(app);
        const forB = { vat: MERCHANT_B };
        const posOfB = await createPos(app, token, { storeId: STORE_B1 }, forB);
        const paymentId = await prepared(app, token, posOfB.posId, {}, forB);
        assertError(await v10(app, 'GET', `/payments/${paymentId}`, { token }), 403, '1411');
        assertError(await ready(app, token, paymentId), 403, '1406');
        assertError(await capture(app, token, paymentId, 100), 403, '1407');
        assertError(await cancel(app, token, paymentId), 403, '1408');
        assert.deepEqual(await listPayments(app, token, `posId=${posOfB.posId}`), []);
        assert.equal((await getPayment(app, token, paymentId, forB)).status, 'Prepared');
        assert.deepEqual(await listPayments(app, token, `posId=${posOfB.posId}`, forB), [paymentId]);
      });

      test('an unknown payment id is 404, and so is an id that is not a GUID', async (t) => {
        const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
        const token = await tokenFor(app);
        for (const id of [UNKNOWN_ID, 'not-a-guid']) {
          const calls = [v10(app, 'GET', `/payments/${id}`, { token }), ready(app, token, id), capture(app, token, id, 100), cancel(app, token, id)];
          for (const response of await Promise.all(calls)) {
            assert.equal(response.statusCode, 404, `${id}: ${response.body}`);
            assertContract('ErrorResponse', response.json());
            assert.ok([null, '1004'].includes(response.json().code), `${id}: SPEC §2.2 says 404 is 1004 or no code, got ${response.body}`);
          }
        }
      });
    });

    describe('GET /payments', () => {
      test('is refused with 400 1109 without posId or orderId', async (t) => {
        const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
        const token = await tokenFor(app);
        assertError(await v10(app, 'GET', '/payments', { token }), 400, '1109');
        assertError(await v10(app, 'GET', '/payments?state=Captured', { token }), 400, '1109');
      });

      test('without state lists the active and Reserved payments of the PoS, not the final ones; state=Captured lists the captured', async (t) => {
        const { app, platform } = await startPlatform(t, engine, { seed: TEST_SEED });
        const token = await tokenFor(app);
        const pos = await createPos(app, token);
        const { paymentId: capturedId } = await reservedPayment(app, token, 100, {}, { pos });
        await capture(app, token, capturedId, 100);
        const cancelledId = await initiated(app, token, pos.posId);
        await cancel(app, token, cancelledId);
        const userCancelledId = await initiated(app, token, pos.posId);
        await checkIn(app, token, pos, USERS.credit);
        await simulate(app, token, 'cancelpaymentbyuser', { beaconId: pos.beaconId });
        const expiredId = await initiated(app, token, pos.posId);
        await advanceClock(app, platform.adminToken, 5 * MINUTE + 1000);
        assert.equal((await getPayment(app, token, expiredId)).status, 'CancelledByMobilePay');
        const { paymentId: reservedId } = await reservedPayment(app, token, 100, {}, { pos });
        const activeId = await initiated(app, token, pos.posId);
        const elsewhere = await createPos(app, token);
        await initiated(app, token, elsewhere.posId);

        assert.equal((await getPayment(app, token, userCancelledId)).status, 'CancelledByUser');
        assert.deepEqual((await listPayments(app, token, `posId=${pos.posId}`)).sort(), [reservedId, activeId].sort());
        assert.deepEqual(await listPayments(app, token, `posId=${pos.posId}&state=Captured`), [capturedId]);
      });

      test('with an orderId answers only the most recent payment with it, e.g. an orderId reused after a cancel', async (t) => {
        const { app, time } = await startPlatform(t, engine, { seed: TEST_SEED });
        const token = await tokenFor(app);
        const pos = await createPos(app, token);
        const orderId = unique('order');
        // The clean-up flow of SPEC §10: initiate → 1301 → find by posId + orderId → cancel → initiate again.
        const stale = await initiated(app, token, pos.posId, { orderId });
        assertError(await initiate(app, token, pos.posId, { orderId }), 409, '1301');
        assert.deepEqual(await listPayments(app, token, `posId=${pos.posId}&orderId=${orderId}`), [stale]);
        await cancel(app, token, stale);
        time.advance(1000);
        const retried = await initiated(app, token, pos.posId, { orderId });
        assert.deepEqual(await listPayments(app, token, `orderId=${orderId}`), [retried]);

        // Two listed payments with one orderId: the newer wins.
        await reserve(app, token, pos);
        time.advance(1000);
        const newest = await initiated(app, token, pos.posId, { orderId });
        assert.deepEqual(await listPayments(app, token, `orderId=${orderId}`), [newest]);
        await reserve(app, token, pos);
        assert.deepEqual(await listPayments(app, token, `posId=${pos.posId}&orderId=${orderId}`), [newest]);
        await capture(app, token, retried, 100);
        await capture(app, token, newest, 100);
        assert.deepEqual(await listPayments(app, token, `orderId=${orderId}&state=Captured`), [newest]);
      });

      test('with an orderId the most recent payment wins even when both were created in the same millisecond', async (t) => {
        // Platform time stands still here (as on a sandbox whose clock nobody moves, or two calls within a
        // millisecond): creation order, not the random payment id, must decide. 16 rounds make a coin flip visible.
        const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
        const token = await tokenFor(app);
        const pos = await createPos(app, token);
        const wrong: string[] = [];
        for (let round = 0; round < 16; round++) {
          const orderId = unique('order');
          await initiated(app, token, pos.posId, { orderId });
          await reserve(app, token, pos);
          const { paymentId: newest } = await reservedPayment(app, token, 100, { orderId }, { pos });
          const listed = await listPayments(app, token, `orderId=${orderId}`);
          if (listed[0] !== newest || listed.length !== 1) wrong.push(`${orderId}: listed ${listed.join(',')}, newest ${newest}`);
        }
        assert.deepEqual(wrong, []);
      });
    });

    describe('capture', () => {
      test('captures part of the reserved amount when partialCapturePossible is true (+4520031805)', async (t) => {
        const { app, platform } = await startPlatform(t, engine, { seed: TEST_SEED });
        const token = await tokenFor(app);
        const pos = await createPos(app, token);
        const { paymentId } = await reservedPayment(app, token, 100, {}, { pos, phoneNumber: USERS.partialCapture });
        assert.equal((await getPayment(app, token, paymentId)).partialCapturePossible, true);
        const captured = await capture(app, token, paymentId, 60.5);
        assert.equal(captured.statusCode, 200, captured.body);
        assert.equal((await getPayment(app, token, paymentId)).status, 'Captured');
        assert.equal(await storeBalance(platform), 6050);
      });

      test('refuses a partial capture with 409 1308 when partialCapturePossible is false; the full amount then captures', async (t) => {
        const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
        const token = await tokenFor(app);
        const pos = await createPos(app, token);
        const { paymentId } = await reservedPayment(app, token, 100, {}, { pos, phoneNumber: USERS.credit });
        assert.equal((await getPayment(app, token, paymentId)).partialCapturePossible, false);
        assertError(await capture(app, token, paymentId, 99.99), 409, '1308');
        assert.equal((await getPayment(app, token, paymentId)).status, 'Reserved');
        assert.equal((await capture(app, token, paymentId, 100)).statusCode, 200);
      });

      test('refuses a capture above the reserved amount with 409 1305, whether partial capture is possible or not', async (t) => {
        const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
        const token = await tokenFor(app);
        const pos = await createPos(app, token);
        for (const phoneNumber of [USERS.credit, USERS.partialCapture]) {
          const { paymentId } = await reservedPayment(app, token, 100, {}, { pos, phoneNumber });
          assertError(await capture(app, token, paymentId, 100.01), 409, '1305');
          assertError(await capture(app, token, paymentId, 1000), 409, '1305');
          assert.equal((await getPayment(app, token, paymentId)).status, 'Reserved');
        }
      });

      test('refuses a capture of a payment that is not Reserved with 409 1304', async (t) => {
        const { app, platform } = await startPlatform(t, engine, { seed: TEST_SEED });
        const token = await tokenFor(app);
        const pos = await createPos(app, token);
        const refusedInState = async (paymentId: string, status: string) => {
          assert.equal((await getPayment(app, token, paymentId)).status, status);
          assertError(await capture(app, token, paymentId, 100), 409, '1304');
        };
        const preparedId = await prepared(app, token, pos.posId);
        await refusedInState(preparedId, 'Prepared');
        await checkIn(app, token, pos, USERS.credit);
        await refusedInState(preparedId, 'Paired');
        await ready(app, token, preparedId);
        await refusedInState(preparedId, 'IssuedToUser');
        await cancel(app, token, preparedId);
        await refusedInState(preparedId, 'CancelledByClient');

        const initiatedId = await initiated(app, token, pos.posId);
        await refusedInState(initiatedId, 'Initiated');
        await checkIn(app, token, pos, USERS.credit);
        await simulate(app, token, 'cancelpaymentbyuser', { beaconId: pos.beaconId });
        await refusedInState(initiatedId, 'CancelledByUser');

        const { paymentId: expiringId } = await reservedPayment(app, token, 100, {}, { pos });
        await advanceClock(app, platform.adminToken, 7 * DAY + 1000);
        await refusedInState(expiringId, 'ExpiredAndCancelled');
      });

      test('a repeated capture with the same amount answers 200 and credits the store once; another amount is 409 1307', async (t) => {
        const { app, platform } = await startPlatform(t, engine, { seed: TEST_SEED });
        const token = await tokenFor(app);
        const pos = await createPos(app, token);
        const { paymentId: full } = await reservedPayment(app, token, 100, {}, { pos, phoneNumber: USERS.credit });
        assert.equal((await capture(app, token, full, 100)).statusCode, 200);
        const again = await capture(app, token, full, 100);
        assert.equal(again.statusCode, 200, again.body);
        assert.equal(again.body, '');
        assertError(await capture(app, token, full, 50), 409, '1307');
        assertError(await capture(app, token, full, 100.01), 409, '1307');

        const { paymentId: partial } = await reservedPayment(app, token, 100, {}, { pos, phoneNumber: USERS.partialCapture });
        assert.equal((await capture(app, token, partial, 40)).statusCode, 200);
        assert.equal((await capture(app, token, partial, 40)).statusCode, 200);
        assertError(await capture(app, token, partial, 100), 409, '1307');
        assertError(await capture(app, token, partial, 30), 409, '1307');
        assert.equal(await storeBalance(platform), 14000);
      });
    });

    describe('cancel', () => {
      const setups: [string, (app: FastifyInstance, token: string, pos: TestPos) => Promise<string>][] = [
        ['Prepared', (app, token, pos) => prepared(app, token, pos.posId)],
        ['Paired', async (app, token, pos) => {
          const id = await prepared(app, token, pos.posId);
          await checkIn(app, token, pos, USERS.credit);
          return id;
        }],
        ['Initiated', (app, token, pos) => initiated(app, token, pos.posId)],
        ['IssuedToUser', async (app, token, pos) => {
          const id = await initiated(app, token, pos.posId);
          await checkIn(app, token, pos, USERS.credit);
          return id;
        }],
        ['Reserved', async (app, token, pos) => {
          const { paymentId: id } = await reservedPayment(app, token, 100, {}, { pos });
          return id;
        }],
      ];

      test('the client cancels a Prepared, Paired, Initiated, IssuedToUser or Reserved payment: CancelledByClient, and a repeated cancel answers 200', async (t) => {
        const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
        const token = await tokenFor(app);
        const pos = await createPos(app, token);
        for (const [status, setup] of setups) {
          const paymentId = await setup(app, token, pos);
          assert.equal((await getPayment(app, token, paymentId)).status, status);
          const first = await cancel(app, token, paymentId);
          assert.equal(first.statusCode, 200, `${status}: ${first.body}`);
          assert.equal(first.body, '');
          assert.equal((await getPayment(app, token, paymentId)).status, 'CancelledByClient', status);
          const repeated = await cancel(app, token, paymentId);
          assert.equal(repeated.statusCode, 200, `${status} again: ${repeated.body}`);
          assert.equal((await getPayment(app, token, paymentId)).status, 'CancelledByClient', status);
        }
        assert.deepEqual(await listPayments(app, token, `posId=${pos.posId}`), []);
      });

      test('cancel of a Captured, CancelledByUser or CancelledByMobilePay payment is refused with 409 1300', async (t) => {
        const { app, platform } = await startPlatform(t, engine, { seed: TEST_SEED });
        const token = await tokenFor(app);
        const pos = await createPos(app, token);
        const { paymentId: capturedId } = await reservedPayment(app, token, 100, {}, { pos });
        await capture(app, token, capturedId, 100);
        const userCancelledId = await initiated(app, token, pos.posId);
        await checkIn(app, token, pos, USERS.credit);
        await simulate(app, token, 'cancelpaymentbyuser', { beaconId: pos.beaconId });
        const timedOutId = await initiated(app, token, pos.posId);
        await advanceClock(app, platform.adminToken, 5 * MINUTE + 1000);

        for (const [paymentId, status] of [[capturedId, 'Captured'], [userCancelledId, 'CancelledByUser'], [timedOutId, 'CancelledByMobilePay']] as const) {
          assert.equal((await getPayment(app, token, paymentId)).status, status);
          assertError(await cancel(app, token, paymentId), 409, '1300');
          assert.equal((await getPayment(app, token, paymentId)).status, status);
        }
      });

      test('the customer cancels on the phone (cancelpaymentbyuser): an IssuedToUser or Paired payment ends CancelledByUser', async (t) => {
        const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
        const token = await tokenFor(app);
        const pos = await createPos(app, token);
        for (const [status, setup] of setups.filter(([s]) => s === 'IssuedToUser' || s === 'Paired')) {
          const paymentId = await setup(app, token, pos);
          assert.equal((await getPayment(app, token, paymentId)).status, status);
          const cancelled = await simulate(app, token, 'cancelpaymentbyuser', { beaconId: pos.beaconId });
          assert.equal(cancelled.statusCode, 200, cancelled.body);
          assert.equal((await getPayment(app, token, paymentId)).status, 'CancelledByUser', status);
        }
        assertError(await simulate(app, token, 'cancelpaymentbyuser', { beaconId: pos.beaconId }), 409, '3001');
        await initiated(app, token, pos.posId); // the PoS is free again
      });
    });

    describe('restrictions', () => {
      const cases = [
        { restriction: 'debitCardDisallowed', refused: USERS.debit, allowed: USERS.credit },
        { restriction: 'creditCardDisallowed', refused: USERS.credit, allowed: USERS.debit },
      ] as const;
      for (const { restriction, refused, allowed } of cases) {
        for (const flow of ['initiate', 'prepare → ready'] as const) {
          test(`${restriction} (${flow}): the accept of ${refused} is refused with 409 3004 and the payment stays IssuedToUser; ${allowed} can accept`, async (t) => {
            const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
            const token = await tokenFor(app);
            const pos = await createPos(app, token);
            const restrictions = { [restriction]: true };
            const issueTo = async (phoneNumber: string) => {
              let paymentId: string;
              if (flow === 'initiate') {
                paymentId = await initiated(app, token, pos.posId, { restrictions });
                assert.equal((await checkIn(app, token, pos, phoneNumber)).statusCode, 200);
              } else {
                paymentId = await prepared(app, token, pos.posId);
                assert.equal((await checkIn(app, token, pos, phoneNumber)).statusCode, 200);
                assert.equal((await ready(app, token, paymentId, { restrictions })).statusCode, 200);
              }
              const issued = await getPayment(app, token, paymentId);
              assert.deepEqual([issued.status, issued.restrictions], ['IssuedToUser', restrictions]);
              return paymentId;
            };

            const refusedId = await issueTo(refused);
            assertError(await accept(app, token, pos, refused), 409, '3004');
            const after = await getPayment(app, token, refusedId);
            assert.equal(after.status, 'IssuedToUser');
            assert.equal('partialCapturePossible' in after, false);
            assert.equal((await cancel(app, token, refusedId)).statusCode, 200);

            const allowedId = await issueTo(allowed);
            assert.equal((await accept(app, token, pos, allowed)).statusCode, 200);
            assert.equal((await getPayment(app, token, allowedId)).status, 'Reserved');
          });
        }
      }
    });

    describe('idempotency', () => {
      test('initiate retried with the same key and body answers the same paymentId and creates one payment; another body is 409 1306', async (t) => {
        const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
        const token = await tokenFor(app);
        const pos = await createPos(app, token);
        const idempotencyKey = unique('key');
        const body = { orderId: unique('order'), amount: 25 };
        const first = await initiated(app, token, pos.posId, body, { idempotencyKey });
        const retry = await initiate(app, token, pos.posId, body, { idempotencyKey });
        assert.equal(retry.statusCode, 200, retry.body);
        assertContract('PaymentInitiatedResponse', retry.json());
        assert.equal(retry.json().paymentId, first);
        // A retry after the payment moved on still answers the original response and creates nothing.
        await reserve(app, token, pos);
        const late = await initiate(app, token, pos.posId, body, { idempotencyKey });
        assert.equal(late.statusCode, 200, late.body);
        assertContract('PaymentInitiatedResponse', late.json());
        assert.equal(late.json().paymentId, first);
        assert.deepEqual(await listPayments(app, token, `posId=${pos.posId}`), [first]);

        assertError(await initiate(app, token, pos.posId, { ...body, amount: 26 }, { idempotencyKey }), 409, '1306');
        assert.deepEqual(await listPayments(app, token, `posId=${pos.posId}`), [first]);
      });

      test('prepare retried with the same key and body answers the same paymentId and creates one payment; another body is 409 1306', async (t) => {
        const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
        const token = await tokenFor(app);
        const pos = await createPos(app, token);
        const idempotencyKey = unique('key');
        const orderId = unique('order');
        const first = await prepared(app, token, pos.posId, { orderId }, { idempotencyKey });
        const retry = await prepare(app, token, pos.posId, { orderId }, { idempotencyKey });
        assert.equal(retry.statusCode, 200, retry.body);
        assertContract('PaymentInitiatedResponse', retry.json());
        assert.equal(retry.json().paymentId, first);
        assert.deepEqual(await listPayments(app, token, `posId=${pos.posId}`), [first]);
        assertError(await prepare(app, token, pos.posId, { orderId: unique('order') }, { idempotencyKey }), 409, '1306');
        assert.deepEqual(await listPayments(app, token, `posId=${pos.posId}`), [first]);
      });
    });

    test('a deleted PoS takes no new payment (409 1000), but its Reserved payments can still be captured or cancelled', async (t) => {
      const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      const pos = await createPos(app, token);
      const { paymentId: toCapture } = await reservedPayment(app, token, 100, {}, { pos });
      const { paymentId: toCancel } = await reservedPayment(app, token, 100, {}, { pos });
      assert.equal((await v10(app, 'DELETE', `/pointofsales/${pos.posId}`, { token })).statusCode, 200);

      assertError(await initiate(app, token, pos.posId), 409, '1000');
      assertError(await prepare(app, token, pos.posId), 409, '1000');
      assert.equal((await getPayment(app, token, toCapture)).status, 'Reserved');
      const captured = await capture(app, token, toCapture, 100);
      assert.equal(captured.statusCode, 200, captured.body);
      assert.equal((await getPayment(app, token, toCapture)).status, 'Captured');
      const cancelled = await cancel(app, token, toCancel);
      assert.equal(cancelled.statusCode, 200, cancelled.body);
      assert.equal((await getPayment(app, token, toCancel)).status, 'CancelledByClient');
    });

    test('amounts 12.1, 0.01, 1000000 and 19.99 round-trip exactly through initiate, GET and capture', async (t) => {
      const { app, platform } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      const pos = await createPos(app, token);
      const amounts: [number, string][] = [[12.1, 'DKK'], [0.01, 'DKK'], [1000000, 'DKK'], [19.99, 'EUR']];
      for (const [amount, currencyCode] of amounts) {
        const paymentId = await initiated(app, token, pos.posId, { amount, currencyCode });
        const read = await getPayment(app, token, paymentId);
        assert.deepEqual([read.amount, read.currencyCode], [amount, currencyCode]);
        await reserve(app, token, pos);
        const captured = await capture(app, token, paymentId, amount);
        assert.equal(captured.statusCode, 200, `${amount}: ${captured.body}`);
        const final = await getPayment(app, token, paymentId);
        assert.deepEqual([final.status, final.amount], ['Captured', amount]);
      }
      assert.equal(await storeBalance(platform), 1210 + 1 + 100_000_000 + 1999);
    });

    describe('concurrency', () => {
      test('20 parallel initiates with different keys on one PoS: exactly one 200, nineteen 409 1301', async (t) => {
        const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
        const token = await tokenFor(app);
        const pos = await createPos(app, token);
        const responses = await Promise.all(Array.from({ length: 20 }, () => initiate(app, token, pos.posId)));
        const winners = responses.filter((r) => r.statusCode === 200);
        assert.equal(winners.length, 1, responses.map((r) => `${r.statusCode} ${r.body}`).join('\n'));
        for (const r of responses.filter((r) => r.statusCode !== 200)) assertError(r, 409, '1301');
        assertContract('PaymentInitiatedResponse', winners[0]!.json());
        assert.deepEqual(await listPayments(app, token, `posId=${pos.posId}`), [winners[0]!.json().paymentId]);
      });

      test('20 parallel initiates with one key and one body: all 200 with the same paymentId, one payment on the PoS', async (t) => {
        const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
        const token = await tokenFor(app);
        const pos = await createPos(app, token);
        const idempotencyKey = unique('key');
        const body = { orderId: unique('order') };
        const responses = await Promise.all(Array.from({ length: 20 }, () => initiate(app, token, pos.posId, body, { idempotencyKey })));
        assert.deepEqual(responses.map((r) => r.statusCode), Array(20).fill(200), responses.map((r) => r.body).join('\n'));
        for (const r of responses) assertContract('PaymentInitiatedResponse', r.json());
        const ids = new Set(responses.map((r) => r.json().paymentId));
        assert.equal(ids.size, 1);
        assert.deepEqual(await listPayments(app, token, `posId=${pos.posId}`), [...ids]);
      });

      test('10 parallel captures of one Reserved payment: all 200, and the store balance is credited exactly once', async (t) => {
        const { app, platform } = await startPlatform(t, engine, { seed: TEST_SEED });
        const token = await tokenFor(app);
        const pos = await createPos(app, token);
        const { paymentId } = await reservedPayment(app, token, 75.25, {}, { pos });
        const responses = await Promise.all(Array.from({ length: 10 }, () => capture(app, token, paymentId, 75.25)));
        assert.deepEqual(responses.map((r) => r.statusCode), Array(10).fill(200), responses.map((r) => r.body).join('\n'));
        assert.equal((await getPayment(app, token, paymentId)).status, 'Captured');
        assert.equal(await storeBalance(platform), 7525);
      });
    });
  });
}
