import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { TEST_SEED, tokenFor } from '../helpers/fixtures.js';
import { assertError, capture, createPos, getCheckin, getPayment, initiated, prepared, USERS, type TestPos } from '../helpers/flows.js';
import { ENGINES, startPlatform } from '../helpers/platform.js';

const UNKNOWN_ID = '0f000000-0000-4000-8000-000000000000';

function wallet(app: FastifyInstance, phoneNumber: string) {
  return app.inject({ method: 'GET', url: `/app/api/users/${encodeURIComponent(phoneNumber)}` });
}

async function walletOf(app: FastifyInstance, phoneNumber: string) {
  const response = await wallet(app, phoneNumber);
  assert.equal(response.statusCode, 200, response.body);
  return response.json<{ checkin: Record<string, unknown> | null; payments: Array<Record<string, unknown>> } & Record<string, unknown>>();
}

function act(app: FastifyInstance, phoneNumber: string, action: string, body?: unknown) {
  return app.inject({
    method: 'POST',
    url: `/app/api/users/${encodeURIComponent(phoneNumber)}/${action}`,
    ...(body === undefined ? {} : { payload: body as object }),
  });
}

const walletCheckIn = (app: FastifyInstance, phoneNumber: string, pos: TestPos) => act(app, phoneNumber, 'checkin', { beaconId: pos.beaconId });
const walletAccept = (app: FastifyInstance, phoneNumber: string, paymentId: string) => act(app, phoneNumber, `payments/${paymentId}/accept`);
const walletDecline = (app: FastifyInstance, phoneNumber: string, paymentId: string) => act(app, phoneNumber, `payments/${paymentId}/decline`);

const PLACE = { posName: 'Till', storeName: 'Aurora Nørrebro', brandName: 'Aurora' };

for (const engine of ENGINES) {
  describe(`wallet app API (${engine})`, () => {
    test('lists the test users a wallet can be opened for, built-in and seeded', async (t) => {
      const { app } = await startPlatform(t, engine, { seed: { ...TEST_SEED, users: [{ phoneNumber: '+4520031899', paymentSource: 'Debit' }] } });
      const response = await app.inject({ method: 'GET', url: '/app/api/users' });
      assert.equal(response.statusCode, 200, response.body);
      const users = response.json<{ users: Array<{ phoneNumber: string; paymentSource: string }> }>().users;
      assert.deepEqual(users.find((u) => u.phoneNumber === USERS.debit), { phoneNumber: USERS.debit, paymentSource: 'Debit' });
      assert.deepEqual(users.find((u) => u.phoneNumber === '+4520031899'), { phoneNumber: '+4520031899', paymentSource: 'Debit' });
      assert.ok(users.some((u) => u.phoneNumber === USERS.finnishCredit));
    });

    test('an unknown phone number, or one that is no phone number, has no wallet: 404 3003', async (t) => {
      const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
      for (const phone of ['+4599999999', 'not a phone', '+45\u00002003']) assertError(await wallet(app, phone), 404, '3003');
    });

    test("checking in with a printed QR code's whole payload checks in at its beacon", async (t) => {
      const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
      const pos = await createPos(app, await tokenFor(app));
      const scanned = await act(app, USERS.credit, 'checkin', { beaconId: `mobilepaypos://pos?id=${pos.beaconId}&source=qr` });
      assert.equal(scanned.statusCode, 200, scanned.body);
      assert.equal((await walletOf(app, USERS.credit)).checkin?.beaconId, pos.beaconId);
    });

    test('check in, see the payment issued, accept it: the PoS sees Reserved, and after capture the wallet shows Captured', async (t) => {
      const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      const pos = await createPos(app, token);
      assert.deepEqual(await walletOf(app, USERS.loyalty), { phoneNumber: USERS.loyalty, paymentSource: 'Credit', loyaltyIds: ['LOYALTY-1001', 'LOYALTY-1002'], checkin: null, payments: [] });

      assert.equal((await walletCheckIn(app, USERS.loyalty, pos)).statusCode, 200);
      const waiting = await walletOf(app, USERS.loyalty);
      assert.deepEqual({ ...waiting.checkin, expiresAt: undefined }, { beaconId: pos.beaconId, ...PLACE, expiresAt: undefined });
      assert.equal((await getCheckin(app, token, pos.posId)).isUserCheckedIn, true);

      const paymentId = await initiated(app, token, pos.posId, { amount: 12.5, merchantPaymentLabel: 'Coffee' });
      const issued = await walletOf(app, USERS.loyalty);
      assert.equal(issued.checkin, null, 'the check-in is used up by the payment');
      assert.equal(issued.payments.length, 1);
      assert.deepEqual({ ...issued.payments[0], updatedAt: undefined }, {
        paymentId, status: 'IssuedToUser', amount: 12.5, currencyCode: 'DKK', merchantPaymentLabel: 'Coffee', capturedAmount: null,
        updatedAt: undefined, beaconId: pos.beaconId, ...PLACE,
      });

      assert.equal((await walletAccept(app, USERS.loyalty, paymentId)).statusCode, 200);
      assert.equal((await getPayment(app, token, paymentId)).status, 'Reserved');
      assert.equal((await capture(app, token, paymentId, 12.5)).statusCode, 200);
      const captured = (await walletOf(app, USERS.loyalty)).payments[0]!;
      assert.equal(captured.status, 'Captured');
      assert.equal(captured.capturedAmount, 12.5);
    });

    test('declining on the phone cancels the payment by the user', async (t) => {
      const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      const pos = await createPos(app, token);
      const paymentId = await initiated(app, token, pos.posId);
      assert.equal((await walletCheckIn(app, USERS.credit, pos)).statusCode, 200);
      assert.equal((await walletDecline(app, USERS.credit, paymentId)).statusCode, 200);
      assert.equal((await getPayment(app, token, paymentId)).status, 'CancelledByUser');
      assert.equal((await walletOf(app, USERS.credit)).payments[0]!.status, 'CancelledByUser');
      assertError(await walletAccept(app, USERS.credit, paymentId), 409, '3001');
    });

    test("a prepared payment shows without an amount; another customer can neither accept nor decline it", async (t) => {
      const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      const pos = await createPos(app, token);
      const paymentId = await prepared(app, token, pos.posId);
      assert.equal((await walletCheckIn(app, USERS.credit, pos)).statusCode, 200);
      const paired = (await walletOf(app, USERS.credit)).payments[0]!;
      assert.equal(paired.status, 'Paired');
      assert.equal(paired.amount, null);
      assertError(await walletAccept(app, USERS.credit, paymentId), 409, '3001');
      assertError(await walletAccept(app, USERS.otherCredit, paymentId), 409, '3001');
      assertError(await walletDecline(app, USERS.otherCredit, paymentId), 409, '3001');
      assert.deepEqual((await walletOf(app, USERS.otherCredit)).payments, []);
      assertError(await walletAccept(app, USERS.credit, UNKNOWN_ID), 404, '1004');
      assertError(await walletAccept(app, USERS.credit, 'not-a-guid'), 404, '1004');
    });

    test("a payment's restrictions refuse the card type: 409 3004, and it stays issued to the user", async (t) => {
      const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      const pos = await createPos(app, token);
      const paymentId = await initiated(app, token, pos.posId, { restrictions: { debitCardDisallowed: true } });
      assert.equal((await walletCheckIn(app, USERS.debit, pos)).statusCode, 200);
      assertError(await walletAccept(app, USERS.debit, paymentId), 409, '3004');
      assert.equal((await getPayment(app, token, paymentId)).status, 'IssuedToUser');
    });

    test('a check-in at an unknown beacon is 404 3002; a body without a beacon 400 1099', async (t) => {
      const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
      assertError(await act(app, USERS.credit, 'checkin', { beaconId: UNKNOWN_ID }), 404, '3002');
      assertError(await act(app, USERS.credit, 'checkin', {}), 400, '1099');
    });

    test('the wallet page is served at /app/, its index uncached; /app redirects there keeping the query', async (t) => {
      const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
      const page = await app.inject({ method: 'GET', url: '/app/' });
      assert.equal(page.statusCode, 200, 'the page is built by npm test (npm run build:web)');
      assert.match(page.headers['content-type'] as string, /^text\/html/);
      assert.equal(page.headers['cache-control'], 'no-cache');
      const script = /src="(\/app\/assets\/[^"]+\.js)"/.exec(page.body)?.[1];
      assert.ok(script, page.body);
      const bundle = await app.inject({ method: 'GET', url: script });
      assert.equal(bundle.statusCode, 200);
      assert.equal(bundle.headers['cache-control'], 'public, max-age=31536000, immutable');
      const redirect = await app.inject({ method: 'GET', url: '/app?phone=%2B4520031801' });
      assert.equal(redirect.statusCode, 302);
      assert.equal(redirect.headers.location, '/app/?phone=%2B4520031801');
      assert.equal((await app.inject({ method: 'GET', url: '/app/missing.js' })).statusCode, 404);
    });

    test('without the sandbox there is no wallet', async (t) => {
      const { app } = await startPlatform(t, engine, { seed: TEST_SEED, env: { SANDBOX: 'false' } });
      assert.equal((await app.inject({ method: 'GET', url: '/app/api/users' })).statusCode, 404);
      assert.equal((await app.inject({ method: 'GET', url: '/app/' })).statusCode, 404);
    });
  });
}
