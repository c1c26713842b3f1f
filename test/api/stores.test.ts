import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CLIENT_1, MERCHANT_B, STORE_A1, STORE_A2_INACTIVE, STORE_B1, TEST_SEED, tokenFor, v10 } from '../helpers/fixtures.js';
import { assertContract } from '../helpers/contract.js';
import { ENGINES, startPlatform } from '../helpers/platform.js';

for (const engine of ENGINES) {
  describe(`stores (${engine})`, () => {
    test("lists the merchant's store ids, activated or not, and only that merchant's", async (t) => {
      const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app, CLIENT_1);
      const a = await v10(app, 'GET', '/stores', { token });
      assert.equal(a.statusCode, 200);
      assertContract('StoreIdsResponse', a.json());
      assert.deepEqual(a.json().storeIds.sort(), [STORE_A1, STORE_A2_INACTIVE].sort());
      const b = await v10(app, 'GET', '/stores', { token, vat: MERCHANT_B });
      assert.deepEqual(b.json().storeIds, [STORE_B1]);
      // A merchant the platform does not know has linked no integrator.
      const unknownMerchant = await v10(app, 'GET', '/stores', { token, vat: 'FI99999999' });
      assert.equal(unknownMerchant.statusCode, 403);
      assert.equal(unknownMerchant.json().code, '3010');
    });

    test('filters by brand and location together', async (t) => {
      const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      const found = await v10(app, 'GET', '/stores?merchantBrandId=POSDK11111&merchantLocationId=00002', { token });
      assert.deepEqual(found.json().storeIds, [STORE_A2_INACTIVE]);
      const none = await v10(app, 'GET', '/stores?merchantBrandId=POSDK11111&merchantLocationId=00009', { token });
      assert.deepEqual(none.json().storeIds, []);
      const otherMerchantsBrand = await v10(app, 'GET', '/stores?merchantBrandId=POSDK22222&merchantLocationId=00001', { token });
      assert.deepEqual(otherMerchantsBrand.json().storeIds, []);
    });

    test('refuses half a filter with 1122, a bad brand id with 1119 and a bad location id with 1120', async (t) => {
      const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      const expectations: [string, string][] = [
        ['/stores?merchantBrandId=POSDK11111', '1122'],
        ['/stores?merchantLocationId=00001', '1122'],
        ['/stores/detailed?merchantLocationId=00001', '1122'],
        ['/stores?merchantBrandId=XYZ&merchantLocationId=00001', '1119'],
        ['/stores/detailed?merchantBrandId=POSSE12345&merchantLocationId=00001', '1119'],
        ['/stores?merchantBrandId=POSDK11111&merchantLocationId=0001', '1120'],
        ['/stores?merchantBrandId=POSDK11111&merchantLocationId=000001', '1120'],
      ];
      for (const [url, code] of expectations) {
        const response = await v10(app, 'GET', url, { token });
        assert.equal(response.statusCode, 400, url);
        assert.equal(response.json().code, code, url);
      }
    });

    test('the detailed list and a single store match the contract exactly', async (t) => {
      const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      const detailed = await v10(app, 'GET', '/stores/detailed', { token });
      assertContract('StoreResponse', detailed.json(), { array: true });
      assert.equal(detailed.json().length, 2);
      const one = await v10(app, 'GET', `/stores/${STORE_A1}`, { token });
      assert.equal(one.statusCode, 200);
      assertContract('StoreResponse', one.json());
      assert.deepEqual(one.json(), {
        storeName: 'Aurora Nørrebro',
        storeId: STORE_A1,
        storeStreet: 'Jægersborggade 1',
        storeZipCode: '2200',
        storeCity: 'København',
        brandName: 'Aurora',
        merchantBrandId: 'POSDK11111',
        merchantLocationId: '00001',
      });
    });

    test("another merchant's store is 403 1403, an unknown one 404", async (t) => {
      const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      const other = await v10(app, 'GET', `/stores/${STORE_B1}`, { token });
      assert.equal(other.statusCode, 403);
      assert.equal(other.json().code, '1403');
      const unknown = await v10(app, 'GET', '/stores/0f000000-0000-4000-8000-000000000000', { token });
      assert.equal(unknown.statusCode, 404);
      assertContract('ErrorResponse', unknown.json());
      assert.equal((await v10(app, 'GET', '/stores/not-a-guid', { token })).statusCode, 404);
    });
  });
}
