import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CLIENT_1, MERCHANT_A, STORE_A1, TEST_SEED, tokenFor, v10 } from '../helpers/fixtures.js';
import { assertContract } from '../helpers/contract.js';
import { ENGINES, startPlatform } from '../helpers/platform.js';

const createPosBody = { merchantPosId: 'till-1', storeId: STORE_A1, name: 'Till 1', supportedBeaconTypes: ['QR'] };

for (const engine of ENGINES) {
  describe(`v10 common headers (${engine})`, () => {
    test('every header rule answers its exact code with the error body and correlation id', async (t) => {
      const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app, CLIENT_1);
      const cases: { name: string; headers: Record<string, string | string[] | undefined>; vat?: null; code: string; post?: boolean }[] = [
        { name: 'system version missing', headers: { 'x-mobilepay-client-system-version': undefined }, code: '1153' },
        { name: 'system version invalid', headers: { 'x-mobilepay-client-system-version': '1.2' }, code: '1161' },
        { name: 'system version with letters', headers: { 'x-mobilepay-client-system-version': '1.2.x' }, code: '1161' },
        { name: 'system version duplicated', headers: { 'x-mobilepay-client-system-version': ['1.2.3', '1.2.3'] }, code: '1157' },
        { name: 'VAT missing', headers: {}, vat: null, code: '1151' },
        { name: 'VAT invalid', headers: { 'x-mobilepay-merchant-vat-number': 'SE12345678' }, code: '1159' },
        { name: 'VAT too short', headers: { 'x-mobilepay-merchant-vat-number': 'DK1234567' }, code: '1159' },
        { name: 'VAT duplicated', headers: { 'x-mobilepay-merchant-vat-number': [MERCHANT_A, MERCHANT_A] }, code: '1155' },
        { name: 'system name too long', headers: { 'x-mobilepay-client-system-name': 'x'.repeat(37) }, code: '1160' },
        { name: 'system name out of charset', headers: { 'x-mobilepay-client-system-name': 'Kasse\u0001' }, code: '1160' },
        { name: 'system name duplicated', headers: { 'x-mobilepay-client-system-name': ['Kasse', 'Kasse'] }, code: '1156' },
        { name: 'idempotency key missing', headers: {}, code: '1164', post: true },
        { name: 'idempotency key too long', headers: { 'x-mobilepay-idempotency-key': 'k'.repeat(37) }, code: '1162', post: true },
        { name: 'idempotency key duplicated', headers: { 'x-mobilepay-idempotency-key': ['k1', 'k1'] }, code: '1163', post: true },
      ];
      for (const c of cases) {
        // A call that passes first: a refusal must not depend on whether the token was admitted before.
        assert.equal((await v10(app, 'GET', '/stores', { token })).statusCode, 200);
        const options = { token, vat: c.vat, headers: c.headers };
        const response = c.post
          ? await v10(app, 'POST', '/pointofsales', options, createPosBody)
          : await v10(app, 'GET', '/stores', options);
        assert.equal(response.statusCode, 400, `${c.name}: ${response.body}`);
        const body = response.json();
        assert.equal(body.code, c.code, c.name);
        assertContract('ErrorResponse', body);
        assert.equal(body.correlationId, response.headers['x-correlation-id'], c.name);
      }
    });

    test('header names are case-insensitive, the optional system name is accepted, and x-ibm-client-id is ignored', async (t) => {
      const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      const response = await app.inject({
        method: 'GET',
        url: '/pos/v10/stores',
        headers: {
          Authorization: `Bearer ${token}`,
          'X-MobilePay-Client-System-Version': '10.0.1',
          'X-MOBILEPAY-MERCHANT-VAT-NUMBER': MERCHANT_A,
          'X-MobilePay-Client-System-Name': 'Kasse Æblegrød',
          'X-IBM-Client-Id': '00000000-0000-0000-0000-000000000000',
        },
      });
      assert.equal(response.statusCode, 200, response.body);
    });

    test('a header value holding a comma is one header, not a repeated one', async (t) => {
      const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      for (let call = 0; call < 2; call++) {
        const response = await v10(app, 'GET', '/stores', { token, headers: { 'x-mobilepay-client-system-name': 'Kasse, v2' } });
        assert.equal(response.statusCode, 200, response.body);
      }
      const twice = await v10(app, 'GET', '/stores', { token, headers: { 'x-mobilepay-client-system-name': ['Kasse, v2', 'Kasse, v2'] } });
      assert.equal(twice.json().code, '1156');
    });

    test('a caller-sent x-correlation-id is echoed in the header and the error body', async (t) => {
      const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      const response = await v10(app, 'GET', '/stores', { token, vat: null, headers: { 'x-correlation-id': 'abc-123' } });
      assert.equal(response.headers['x-correlation-id'], 'abc-123');
      assert.equal(response.json().correlationId, 'abc-123');
      const ok = await v10(app, 'GET', '/stores', { token, headers: { 'x-correlation-id': 'abc-124' } });
      assert.equal(ok.headers['x-correlation-id'], 'abc-124');
    });

    test('the idempotency key is required only on creating POSTs', async (t) => {
      const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      const created = await v10(app, 'POST', '/pointofsales', { token, idempotencyKey: 'k-1' }, createPosBody);
      assert.equal(created.statusCode, 200);
      const { posId } = created.json();
      assert.equal((await v10(app, 'GET', `/pointofsales/${posId}`, { token })).statusCode, 200);
      assert.equal((await v10(app, 'DELETE', `/pointofsales/${posId}`, { token })).statusCode, 200);
    });
  });
}
