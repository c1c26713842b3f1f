import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { STORE_A1, TEST_SEED, tokenFor, v10, v10Headers } from '../helpers/fixtures.js';
import { assertContract } from '../helpers/contract.js';
import { assertError, cancel, createPos, reservedPayment, simulate, unique, USERS } from '../helpers/flows.js';
import { ENGINES, startPlatform } from '../helpers/platform.js';

/** A small deterministic generator, so a failure names a reproducible case. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Strings no text field accepts: empty, too long, or outside the valid character set. */
const INVALID_STRINGS = ['', 'x'.repeat(37), 'x'.repeat(5000), '😀', 'till\u0000', '\u202e', 'Ω≈ç', 'кафе', 'a\tb'];
/** Values none of the required create-PoS fields accepts. */
const INVALID_VALUES: unknown[] = [null, true, 0, -1, 1e308, 12.345, [], {}, [null], { a: 1 }, ...INVALID_STRINGS];
/** Values to put in any field: wrong types, numbers at the edges of every range, strings of other fields' formats. */
const ODD_VALUES: unknown[] = [
  ...INVALID_VALUES, false, -0, -1e308, 1e21, 0.001, 0.1 + 0.2, 2 ** 31, 2 ** 53, 5e-324, ['QR', 'QR'],
  '100', 'None', 'DKK', '00000000-0000-0000-0000-000000000000', USERS.credit, '9'.repeat(15),
];

/** Every valid body with each field left out, and with each field set to each of ODD_VALUES in turn. */
function oddBodies(valid: Record<string, unknown>): Record<string, unknown>[] {
  return Object.keys(valid).flatMap((field) => {
    const { [field]: _left, ...without } = valid;
    return [without, ...ODD_VALUES.map((value) => ({ ...valid, [field]: value }))];
  });
}

/** A refusal is a 4xx with the error body of its endpoint; anything else a request may also succeed with 200. */
function assertNoServerError(response: LightMyRequestResponse, what: string): void {
  assert.ok(response.statusCode < 500, `${what} → ${response.statusCode} ${response.body}`);
  if (response.statusCode >= 400) assertError(response, response.statusCode, response.json().code);
}

/** 500 malformed create-PoS requests: bad JSON, wrong types, oversized and out-of-charset strings. */
function malformedRequests(count: number): { payload: string; contentType: string }[] {
  const next = random(42);
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
  const valid = { merchantPosId: 'till-1', storeId: STORE_A1, name: 'Till', supportedBeaconTypes: ['QR'] };
  const fields = Object.keys(valid);
  const requests: { payload: string; contentType: string }[] = [];
  for (let i = 0; i < count; i++) {
    const kind = i % 5;
    if (kind === 0) {
      const text = JSON.stringify(valid);
      // Truncated or followed by garbage: never valid JSON.
      const payload = next() < 0.5 ? text.slice(0, Math.floor(next() * (text.length - 1))) : text + pick([',', '}', 'x', ' NaN']);
      requests.push({ payload, contentType: 'application/json' });
    } else if (kind === 1) {
      requests.push({ payload: JSON.stringify({ ...valid, [pick(fields)]: pick(INVALID_VALUES) }), contentType: pick(['application/json', 'text/json', 'application/problem+json']) });
    } else if (kind === 2) {
      requests.push({ payload: JSON.stringify(pick(INVALID_VALUES)), contentType: 'application/json' });
    } else if (kind === 3) {
      requests.push({ payload: JSON.stringify({ ...valid, merchantPosId: pick(INVALID_STRINGS), name: pick(INVALID_STRINGS) }), contentType: 'application/json' });
    } else {
      requests.push({ payload: pick(['merchantPosId=1', '<xml/>', 'x'.repeat(70_000), '']), contentType: pick(['text/plain', 'application/xml', 'application/json', 'application/x-www-form-urlencoded']) });
    }
  }
  return requests;
}

for (const engine of ENGINES) {
  describe(`robustness (${engine})`, () => {
    test('500 malformed requests all get a 4xx with an error body, never a 5xx, and the server keeps serving', async (t) => {
      const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      const statuses = new Map<number, number>();
      for (const [i, request] of malformedRequests(500).entries()) {
        const r = await app.inject({
          method: 'POST',
          url: '/pos/v10/pointofsales',
          headers: v10Headers({ token, idempotencyKey: `fuzz-${i}`, headers: { 'content-type': request.contentType } }),
          payload: request.payload,
        });
        statuses.set(r.statusCode, (statuses.get(r.statusCode) ?? 0) + 1);
        assert.ok(r.statusCode >= 400 && r.statusCode < 500, `request ${i} (${request.contentType}) ${request.payload.slice(0, 80)} → ${r.statusCode} ${r.body}`);
        assertContract('ErrorResponse', r.json());
      }
      assert.ok((statuses.get(400) ?? 0) > 300, `mostly 400s: ${JSON.stringify([...statuses])}`);
      const healthy = await v10(app, 'GET', '/stores', { token });
      assert.equal(healthy.statusCode, 200);
    });

    test('every field of every JSON body, left out or given an odd value, gets a 200 or a 4xx, never a 5xx', async (t) => {
      const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      const pos = await createPos(app, token);
      const { paymentId } = await reservedPayment(app, token, 10_000);
      const endpoints = [
        { url: '/payments', body: { posId: pos.posId, orderId: 'o1', amount: 100, currencyCode: 'DKK', plannedCaptureDelay: 'None', restrictions: { debitCardDisallowed: true }, merchantPaymentLabel: 'l' } },
        { url: '/payments/prepare', body: { posId: pos.posId, orderId: 'o2' } },
        { url: `/payments/${paymentId}/capture`, body: { amount: 1 } },
        { url: '/refunds', body: { paymentId, refundOrderId: 'r1', amount: 1, currencyCode: 'DKK' } },
        { url: '/pointofsales', body: { merchantPosId: 'm', storeId: STORE_A1, name: 'n', supportedBeaconTypes: ['QR'], beaconId: '123456789012345', callbackAlias: 'a', requirePaymentBeforeCheckin: true } },
      ];
      for (const { url, body: valid } of endpoints) {
        for (const body of oddBodies(valid)) {
          const response = await v10(app, 'POST', url, { token, idempotencyKey: unique('odd') }, body);
          assertNoServerError(response, `POST ${url} ${JSON.stringify(body)}`);
          // A payment that was made is cancelled, so the PoS is free for the next one.
          if (response.statusCode === 200 && (url === '/payments' || url === '/payments/prepare')) {
            assert.equal((await cancel(app, token, response.json<{ paymentId: string }>().paymentId)).statusCode, 200);
          }
        }
      }
      for (const action of ['checkin', 'acceptpayment', 'cancelpaymentbyuser'] as const) {
        for (const body of oddBodies({ beaconId: pos.beaconId, phoneNumber: USERS.credit })) {
          assertNoServerError(await simulate(app, token, action, body), `${action} ${JSON.stringify(body)}`);
        }
      }
      for (const body of oddBodies({ beaconId: pos.beaconId })) {
        const response = await app.inject({ method: 'POST', url: `/app/api/users/${encodeURIComponent(USERS.credit)}/checkin`, payload: body });
        assertNoServerError(response, `wallet check-in ${JSON.stringify(body)}`);
      }
    });

    test('text PostgreSQL cannot store (a NUL) where a lookup key is expected is refused as unknown, not a 500', async (t) => {
      const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      const pos = await createPos(app, token);
      for (const action of ['checkin', 'acceptpayment'] as const) {
        assertError(await simulate(app, token, action, { beaconId: pos.beaconId, phoneNumber: '+4520031801\u0000' }), 404, '3003');
      }
      const issued = await app.inject({
        method: 'POST',
        url: '/integrator-authentication/connect/token',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'grant_type=client_credentials&client_id=kasse-pos%00&client_secret=kasse-secret',
      });
      assert.equal(issued.statusCode, 401, issued.body);
      assert.equal(issued.json().error, 'invalid_client');
    });

    test('malformed query strings and path ids are 4xx too', async (t) => {
      const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      for (const url of [
        '/pointofsales?storeId=%ZZ',
        '/pointofsales?storeId=abc',
        '/pointofsales?beaconId=' + '9'.repeat(500),
        '/pointofsales?merchantPosId=%F0%9F%98%80',
        '/stores?merchantBrandId=%00&merchantLocationId=%00',
        '/pointofsales/%20',
        '/pointofsales/..%2F..%2Fetc',
        '/stores/' + 'a'.repeat(2000),
      ]) {
        const response = await v10(app, 'GET', url, { token });
        assert.ok(response.statusCode >= 400 && response.statusCode < 500, `${url} → ${response.statusCode}`);
        assertContract('ErrorResponse', response.json());
      }
    });
  });
}
