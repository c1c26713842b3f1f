import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CLIENT_1, CLIENT_2, MERCHANT_B, STORE_A1, STORE_A2_INACTIVE, STORE_B1, TEST_SEED, tokenFor, v10 } from '../helpers/fixtures.js';
import { assertContract } from '../helpers/contract.js';
import { ENGINES, startPlatform } from '../helpers/platform.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
let keys = 0;
const key = () => `key-${++keys}`;
const posBody = (overrides: Record<string, unknown> = {}) => ({
  merchantPosId: 'till-1',
  storeId: STORE_A1,
  name: 'Till 1',
  supportedBeaconTypes: ['QR', 'Bluetooth'],
  ...overrides,
});

for (const engine of ENGINES) {
  describe(`points of sale (${engine})`, () => {
    test('creates a PoS with a generated GUID beacon id, readable with GET exactly as the contract shapes it', async (t) => {
      const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      const created = await v10(app, 'POST', '/pointofsales', { token, idempotencyKey: key() }, posBody({ callbackAlias: 'kasse-notify' }));
      assert.equal(created.statusCode, 200);
      assertContract('CreatePosResponse', created.json());
      const { posId } = created.json();

      const read = await v10(app, 'GET', `/pointofsales/${posId}`, { token });
      assert.equal(read.statusCode, 200);
      assertContract('PosResponse', read.json());
      const pos = read.json();
      assert.match(pos.beaconId, GUID);
      assert.deepEqual({ ...pos, beaconId: 'x' }, {
        posId,
        merchantPosId: 'till-1',
        storeId: STORE_A1,
        name: 'Till 1',
        beaconId: 'x',
        callbackAlias: 'kasse-notify',
        supportedBeaconTypes: ['QR', 'Bluetooth'],
        requirePaymentBeforeCheckin: false,
      });
    });

    test('keeps a given beacon id (GUID or 15 digits) and accepts every JSON content type of the contract', async (t) => {
      const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      const types = ['application/json', 'text/json', 'application/*+json', 'application/json-patch+json', 'application/json; charset=utf-8'];
      for (const [i, contentType] of types.entries()) {
        const beaconId = i % 2 ? `12345678901234${i}` : `0c000000-0000-4000-8000-00000000000${i}`;
        const response = await v10(
          app,
          'POST',
          '/pointofsales',
          { token, idempotencyKey: key(), headers: { 'content-type': contentType } },
          posBody({ merchantPosId: `till-${i}`, beaconId, requirePaymentBeforeCheckin: true }),
        );
        assert.equal(response.statusCode, 200, `${contentType}: ${response.body}`);
        const pos = (await v10(app, 'GET', `/pointofsales/${response.json().posId}`, { token })).json();
        assert.equal(pos.beaconId, beaconId);
        assert.equal(pos.requirePaymentBeforeCheckin, true);
      }
    });

    test('refuses bad fields with their codes: 1100 beacon, 1111 merchantPosId, 1112 name, 1116 callbackAlias, 1099 types', async (t) => {
      const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      const cases: [Record<string, unknown>, string][] = [
        [{ beaconId: '1234' }, '1100'],
        [{ beaconId: 'not-a-guid-0000-0000-000000000000' }, '1100'],
        [{ merchantPosId: '' }, '1111'],
        [{ merchantPosId: 'x'.repeat(37) }, '1111'],
        [{ merchantPosId: 'till😀' }, '1111'],
        [{ name: 'x'.repeat(37) }, '1112'],
        [{ name: 'Kasse\n1' }, '1112'],
        [{ callbackAlias: 'ali\u0000as' }, '1116'],
        [{ supportedBeaconTypes: [] }, '1099'],
        [{ supportedBeaconTypes: ['QR', 'QR'] }, '1099'],
        [{ supportedBeaconTypes: ['BluetoothMP1'] }, '1099'],
        [{ supportedBeaconTypes: ['BluetoothOther'] }, '1099'],
        [{ supportedBeaconTypes: 'QR' }, '1099'],
        [{ name: 42 }, '1099'],
        [{ storeId: 'store-1' }, '1099'],
        [{ requirePaymentBeforeCheckin: 'yes' }, '1099'],
      ];
      for (const [overrides, code] of cases) {
        const response = await v10(app, 'POST', '/pointofsales', { token, idempotencyKey: key() }, posBody(overrides));
        assert.equal(response.statusCode, 400, `${JSON.stringify(overrides)}: ${response.body}`);
        assert.equal(response.json().code, code, JSON.stringify(overrides));
      }
      const missing = await v10(app, 'POST', '/pointofsales', { token, idempotencyKey: key() }, { storeId: STORE_A1 });
      assert.equal(missing.json().code, '1099');
      assert.deepEqual((await v10(app, 'GET', `/pointofsales?storeId=${STORE_A1}`, { token })).json().posIds, []);
    });

    test('refuses an unknown store with 409 1002 and a store of another merchant with 403 1403; allows a not-activated store', async (t) => {
      const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      const unknown = await v10(app, 'POST', '/pointofsales', { token, idempotencyKey: key() }, posBody({ storeId: '0f000000-0000-4000-8000-000000000000' }));
      assert.equal(unknown.statusCode, 409);
      assert.equal(unknown.json().code, '1002');
      const other = await v10(app, 'POST', '/pointofsales', { token, idempotencyKey: key() }, posBody({ storeId: STORE_B1 }));
      assert.equal(other.statusCode, 403);
      assert.equal(other.json().code, '1403');
      const inactive = await v10(app, 'POST', '/pointofsales', { token, idempotencyKey: key() }, posBody({ storeId: STORE_A2_INACTIVE }));
      assert.equal(inactive.statusCode, 200);
    });

    test('an active merchantPosId is unique per integrator and merchant (1200) and an active beacon id everywhere (1202); deletion frees both', async (t) => {
      const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token1 = await tokenFor(app, CLIENT_1);
      const token2 = await tokenFor(app, CLIENT_2);
      const beaconId = '0c000000-0000-4000-8000-0000000000aa';
      const first = await v10(app, 'POST', '/pointofsales', { token: token1, idempotencyKey: key() }, posBody({ beaconId }));
      assert.equal(first.statusCode, 200);

      const samePosId = await v10(app, 'POST', '/pointofsales', { token: token1, idempotencyKey: key() }, posBody());
      assert.equal(samePosId.statusCode, 409);
      assert.equal(samePosId.json().code, '1200');
      // Another integrator may use the same merchantPosId for the same merchant, but not the same beacon.
      assert.equal((await v10(app, 'POST', '/pointofsales', { token: token2, idempotencyKey: key() }, posBody())).statusCode, 200);
      const sameBeacon = await v10(app, 'POST', '/pointofsales', { token: token2, idempotencyKey: key(), vat: MERCHANT_B }, posBody({ storeId: STORE_B1, beaconId: beaconId.toUpperCase() }));
      assert.equal(sameBeacon.statusCode, 409);
      assert.equal(sameBeacon.json().code, '1202');

      assert.equal((await v10(app, 'DELETE', `/pointofsales/${first.json().posId}`, { token: token1 })).statusCode, 200);
      const again = await v10(app, 'POST', '/pointofsales', { token: token1, idempotencyKey: key() }, posBody({ beaconId }));
      assert.equal(again.statusCode, 200);
    });

    test('queries PoS ids by store, beacon and merchantPosId (AND-ed), only active ones of the caller', async (t) => {
      const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      const ids: string[] = [];
      for (const [i, storeId] of [STORE_A1, STORE_A1, STORE_A2_INACTIVE].entries()) {
        const body = posBody({ merchantPosId: `till-${i}`, storeId, beaconId: `10000000000000${i}` });
        ids.push((await v10(app, 'POST', '/pointofsales', { token, idempotencyKey: key() }, body)).json().posId);
      }
      await v10(app, 'POST', '/pointofsales', { token: await tokenFor(app, CLIENT_2), idempotencyKey: key() }, posBody({ merchantPosId: 'till-0' }));

      const list = async (query: string) => {
        const response = await v10(app, 'GET', `/pointofsales?${query}`, { token });
        assert.equal(response.statusCode, 200, `${query}: ${response.body}`);
        assertContract('PosIdsResponse', response.json());
        return response.json().posIds.sort();
      };
      assert.deepEqual(await list(`storeId=${STORE_A1}`), [ids[0], ids[1]].sort());
      assert.deepEqual(await list('merchantPosId=till-0'), [ids[0]]);
      assert.deepEqual(await list('beaconId=100000000000002'), [ids[2]]);
      assert.deepEqual(await list(`storeId=${STORE_A1}&beaconId=100000000000002`), []);
      await v10(app, 'DELETE', `/pointofsales/${ids[0]}`, { token });
      assert.deepEqual(await list(`storeId=${STORE_A1}`), [ids[1]]);

      const codes: [string, number, string][] = [
        ['', 400, '1121'],
        ['beaconId=123', 400, '1100'],
        [`merchantPosId=${'x'.repeat(37)}`, 400, '1111'],
        [`storeId=${STORE_B1}`, 403, '1403'],
      ];
      for (const [query, status, code] of codes) {
        const response = await v10(app, 'GET', `/pointofsales?${query}`, { token });
        assert.equal(response.statusCode, status, query);
        assert.equal(response.json().code, code, query);
      }
    });

    test("another integrator's PoS is 1400; the same integrator's PoS of another merchant is 1410 to read and 1409 to delete", async (t) => {
      const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token1 = await tokenFor(app, CLIENT_1);
      const posOfB = (await v10(app, 'POST', '/pointofsales', { token: token1, idempotencyKey: key(), vat: MERCHANT_B }, posBody({ storeId: STORE_B1 }))).json().posId;
      const token2 = await tokenFor(app, CLIENT_2);

      for (const [method, url] of [['GET', `/pointofsales/${posOfB}`], ['GET', `/pointofsales/${posOfB}/checkin`], ['DELETE', `/pointofsales/${posOfB}`]] as const) {
        const otherIntegrator = await v10(app, method, url, { token: token2, vat: MERCHANT_B });
        assert.equal(otherIntegrator.statusCode, 403, `${method} ${url}`);
        assert.equal(otherIntegrator.json().code, '1400');
      }
      const read = await v10(app, 'GET', `/pointofsales/${posOfB}`, { token: token1 });
      assert.equal(read.statusCode, 403);
      assert.equal(read.json().code, '1410');
      const remove = await v10(app, 'DELETE', `/pointofsales/${posOfB}`, { token: token1 });
      assert.equal(remove.statusCode, 403);
      assert.equal(remove.json().code, '1409');
      assert.equal((await v10(app, 'GET', `/pointofsales/${posOfB}`, { token: token1, vat: MERCHANT_B })).statusCode, 200);
    });

    test('delete answers 200 with an empty body, again 200 on a retry; the deleted PoS is then 404 to read', async (t) => {
      const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      const { posId } = (await v10(app, 'POST', '/pointofsales', { token, idempotencyKey: key() }, posBody())).json();
      const first = await v10(app, 'DELETE', `/pointofsales/${posId}`, { token });
      assert.equal(first.statusCode, 200);
      assert.equal(first.body, '');
      assert.equal((await v10(app, 'DELETE', `/pointofsales/${posId}`, { token })).statusCode, 200);
      assert.equal((await v10(app, 'GET', `/pointofsales/${posId}`, { token })).statusCode, 404);
      assert.equal((await v10(app, 'DELETE', '/pointofsales/0f000000-0000-4000-8000-000000000000', { token })).statusCode, 404);
    });

    test('check-in polling answers isUserCheckedIn false with pollDelayInMs while nobody is checked in', async (t) => {
      const { app } = await startPlatform(t, engine, { seed: TEST_SEED, env: { POLL_DELAY_MS: '1500' } });
      const token = await tokenFor(app);
      const { posId } = (await v10(app, 'POST', '/pointofsales', { token, idempotencyKey: key() }, posBody())).json();
      const response = await v10(app, 'GET', `/pointofsales/${posId}/checkin`, { token });
      assert.equal(response.statusCode, 200);
      assertContract('GetCheckInResponse', response.json());
      assert.deepEqual(response.json(), { isUserCheckedIn: false, pollDelayInMs: 1500 });
    });

    describe('idempotency', () => {
      test('a retry with the same key and body returns the original response and creates nothing new; another body is 1306', async (t) => {
        const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
        const token = await tokenFor(app);
        const k = key();
        const first = await v10(app, 'POST', '/pointofsales', { token, idempotencyKey: k }, posBody());
        // Same body with its keys in another order is the same request.
        const reordered = { supportedBeaconTypes: ['QR', 'Bluetooth'], name: 'Till 1', storeId: STORE_A1, merchantPosId: 'till-1' };
        const retry = await v10(app, 'POST', '/pointofsales', { token, idempotencyKey: k }, reordered);
        assert.equal(retry.statusCode, 200);
        assert.deepEqual(retry.json(), first.json());
        assert.equal((await v10(app, 'GET', `/pointofsales?storeId=${STORE_A1}`, { token })).json().posIds.length, 1);

        const different = await v10(app, 'POST', '/pointofsales', { token, idempotencyKey: k }, posBody({ name: 'Till 2' }));
        assert.equal(different.statusCode, 409);
        assert.equal(different.json().code, '1306');
      });

      test('keys are scoped per integrator: another integrator may use the same key', async (t) => {
        const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
        const k = key();
        const one = await v10(app, 'POST', '/pointofsales', { token: await tokenFor(app, CLIENT_1), idempotencyKey: k }, posBody());
        const two = await v10(app, 'POST', '/pointofsales', { token: await tokenFor(app, CLIENT_2), idempotencyKey: k }, posBody());
        assert.equal(two.statusCode, 200);
        assert.notEqual(two.json().posId, one.json().posId);
      });

      test('a refused create stores nothing: the same key may be retried once the cause is fixed', async (t) => {
        const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
        const token = await tokenFor(app);
        const k = key();
        const refused = await v10(app, 'POST', '/pointofsales', { token, idempotencyKey: k }, posBody({ storeId: STORE_B1 }));
        assert.equal(refused.statusCode, 403);
        const fixed = await v10(app, 'POST', '/pointofsales', { token, idempotencyKey: k }, posBody());
        assert.equal(fixed.statusCode, 200);
      });

      test('20 concurrent retries with one key create exactly one PoS and all answer its id', async (t) => {
        const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
        const token = await tokenFor(app);
        const k = key();
        const responses = await Promise.all(
          Array.from({ length: 20 }, () => v10(app, 'POST', '/pointofsales', { token, idempotencyKey: k }, posBody())),
        );
        assert.deepEqual(responses.map((r) => r.statusCode), Array(20).fill(200));
        assert.equal(new Set(responses.map((r) => r.json().posId)).size, 1);
        assert.equal((await v10(app, 'GET', `/pointofsales?storeId=${STORE_A1}`, { token })).json().posIds.length, 1);
      });

      test('20 concurrent creates with different keys and one beacon id: exactly one wins, the rest are 409', async (t) => {
        const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
        const token = await tokenFor(app);
        const responses = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            v10(app, 'POST', '/pointofsales', { token, idempotencyKey: key() }, posBody({ merchantPosId: `till-${i}`, beaconId: '123456789012345' })),
          ),
        );
        assert.equal(responses.filter((r) => r.statusCode === 200).length, 1);
        for (const r of responses.filter((r) => r.statusCode !== 200)) {
          assert.equal(r.statusCode, 409);
          assert.equal(r.json().code, '1202');
        }
      });

      test('20 concurrent creates with different keys and one merchantPosId: exactly one wins, the rest are 409 1200', async (t) => {
        const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
        const token = await tokenFor(app);
        const responses = await Promise.all(
          Array.from({ length: 20 }, () => v10(app, 'POST', '/pointofsales', { token, idempotencyKey: key() }, posBody({ merchantPosId: 'till-race' }))),
        );
        assert.equal(responses.filter((r) => r.statusCode === 200).length, 1);
        for (const r of responses.filter((r) => r.statusCode !== 200)) {
          assert.equal(r.statusCode, 409);
          assert.equal(r.json().code, '1200');
        }
      });
    });
  });
}
