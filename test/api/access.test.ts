import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { createPlatform } from '../../src/platform.js';
import type { Db } from '../../src/store/database.js';
import { CLIENT_1, MERCHANT_A, MERCHANT_B, STORE_A1, STORE_B1, TEST_SEED, tokenFor, v10 } from '../helpers/fixtures.js';
import { assertError, createPos, initiate, initiated, unique } from '../helpers/flows.js';
import { ENGINES, asOperator, dropDatabase, eventually, freshDatabase, persistentDatabase, startPlatform } from '../helpers/platform.js';

/** A third integrator, linked to merchant B only: merchant A's resources are not its to touch. */
const OUTSIDER = { clientId: 'outsider-pos', clientSecret: 'outsider-secret' };
const SEED = {
  ...TEST_SEED,
  integrators: [...TEST_SEED.integrators!, { name: 'Outsider ApS', merchants: [MERCHANT_B], clients: [OUTSIDER] }],
};

const TOKEN_URL = '/integrator-authentication/connect/token';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

const countRows = async (db: Db, table: 'points_of_sale' | 'payments') =>
  Number((await db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

for (const engine of ENGINES) {
  describe(`which merchants an integrator may act for (${engine})`, () => {
    test('an integrator not linked to the merchant is refused with 403 3010 on stores, PoS create, initiate and the polling GET, and nothing is created', async (t) => {
      const { app, platform } = await startPlatform(t, engine, { seed: SEED });
      const owner = await tokenFor(app, CLIENT_1);
      const outsider = await tokenFor(app, OUTSIDER);
      const pos = await createPos(app, owner);
      const paymentId = await initiated(app, owner, pos.posId);
      const before = { pos: await countRows(platform.db, 'points_of_sale'), payments: await countRows(platform.db, 'payments') };

      assertError(await v10(app, 'GET', '/stores', { token: outsider }), 403, '3010');
      assertError(await v10(app, 'GET', '/stores/detailed', { token: outsider }), 403, '3010');
      const create = await v10(app, 'POST', '/pointofsales', { token: outsider, idempotencyKey: unique() }, {
        merchantPosId: unique('till'),
        storeId: STORE_A1,
        name: 'Till',
        supportedBeaconTypes: ['QR'],
      });
      assertError(create, 403, '3010');
      await v10(app, 'POST', `/payments/${paymentId}/cancel`, { token: owner });
      assertError(await initiate(app, outsider, pos.posId), 403, '3010');
      assertError(await v10(app, 'GET', `/payments/${paymentId}`, { token: outsider }), 403, '3010');
      assertError(await v10(app, 'GET', `/pointofsales/${pos.posId}/checkin`, { token: outsider }), 403, '3010');

      assert.deepEqual(
        { pos: await countRows(platform.db, 'points_of_sale'), payments: await countRows(platform.db, 'payments') },
        before,
      );
      // For the merchant it is linked to, the same client is served.
      assert.equal((await v10(app, 'GET', '/stores', { token: outsider, vat: MERCHANT_B })).statusCode, 200);
    });

    test("a shop's printed beacon id cannot be taken over by an integrator not linked to the shop's merchant", async (t) => {
      const { app } = await startPlatform(t, engine, { seed: SEED });
      const owner = await tokenFor(app, CLIENT_1);
      const outsider = await tokenFor(app, OUTSIDER);
      const printedBeacon = '123456789012345';
      const shopPos = await createPos(app, owner, { beaconId: printedBeacon });
      assert.equal((await v10(app, 'DELETE', `/pointofsales/${shopPos.posId}`, { token: owner })).statusCode, 200);

      const takeover = (vat: string, storeId: string) =>
        v10(app, 'POST', '/pointofsales', { token: outsider, vat, idempotencyKey: unique() }, {
          merchantPosId: unique('till'),
          storeId,
          beaconId: printedBeacon,
          name: 'Till',
          supportedBeaconTypes: ['QR'],
        });
      assertError(await takeover(MERCHANT_A, STORE_A1), 403, '3010');
      // Under the merchant it is linked to, the shop's store is not that merchant's.
      assertError(await takeover(MERCHANT_B, STORE_A1), 403, '1403');
      // The shop's integrator takes its beacon back.
      const again = await createPos(app, owner, { beaconId: printedBeacon });
      assert.equal(again.beaconId, printedBeacon);
      // A store of the outsider's own merchant cannot have the beacon while the shop's PoS holds it.
      assertError(await takeover(MERCHANT_B, STORE_B1), 409, '1202');
    });

    test('a token asked for a merchant the integrator is not linked to is 400 invalid_request', async (t) => {
      const { app } = await startPlatform(t, engine, { seed: SEED });
      const ask = (merchantVat: string) =>
        app.inject({
          method: 'POST',
          url: TOKEN_URL,
          headers: FORM,
          payload: new URLSearchParams({ grant_type: 'client_credentials', client_id: OUTSIDER.clientId, client_secret: OUTSIDER.clientSecret, merchant_vat: merchantVat }).toString(),
        });
      const refused = await ask(MERCHANT_A);
      assert.equal(refused.statusCode, 400);
      assert.equal(refused.json().error, 'invalid_request');
      assert.equal((await ask('DK99999999')).statusCode, 400);
      assert.equal((await ask(MERCHANT_B)).statusCode, 200);
    });

    test('an unlink applies at once to a caller already admitted (the reused caller and the polling GET), and a link again restores it', async (t) => {
      const { app, platform } = await startPlatform(t, engine, { seed: SEED });
      const token = await tokenFor(app, CLIENT_1);
      const pos = await createPos(app, token);
      const paymentId = await initiated(app, token, pos.posId);
      const poll = () => v10(app, 'GET', `/payments/${paymentId}`, { token });
      assert.equal((await poll()).statusCode, 200);
      assert.equal((await poll()).statusCode, 200);

      await platform.onboarding.unlinkMerchant('Kasse ApS', MERCHANT_A);
      assertError(await poll(), 403, '3010');
      assertError(await v10(app, 'GET', '/stores', { token }), 403, '3010');
      assert.equal((await v10(app, 'GET', '/stores', { token, vat: MERCHANT_B })).statusCode, 200);

      await platform.onboarding.linkMerchant('Kasse ApS', MERCHANT_A);
      assert.equal((await poll()).statusCode, 200);
    });

    test('start-up warns about each integrator linked to no merchant', async (t) => {
      const database = freshDatabase(engine);
      const seedFile = join(tmpdir(), `access-seed-${process.pid}-${unique()}.json`);
      await writeFile(seedFile, JSON.stringify({ ...SEED, integrators: [...SEED.integrators, { name: 'Lonely Kasse' }] }));
      const warnings: string[] = [];
      const logger = { info: () => undefined, warn: (...args: unknown[]) => void warnings.push(args.map(String).join(' ')) };
      const config = { ...loadConfig({ SANDBOX: 'true', DEMO_DATA: 'false', LOG_LEVEL: 'silent', SEED_FILE: seedFile }), database };
      const platform = await createPlatform(config, { logger: logger as never });
      t.after(async () => {
        await platform.close();
        await dropDatabase(database);
      });
      assert.equal(warnings.length, 1, warnings.join('\n'));
      assert.match(warnings[0]!, /"Lonely Kasse" is linked to no merchant/);
    });
  });
}

describe('a link change made by another process applies within a bounded wait', () => {
  test('two platforms on one PostgreSQL: an unlink through one is refused by the other', async (t) => {
    const database = freshDatabase('postgres');
    const one = await startPlatform(t, 'postgres', { seed: SEED, database, keepDatabase: true });
    const two = await startPlatform(t, 'postgres', { database, keepDatabase: true });
    t.after(() => dropDatabase(database));
    const token = await tokenFor(one.app, CLIENT_1);
    const stores = () => v10(two.app, 'GET', '/stores', { token });
    assert.equal((await stores()).statusCode, 200);

    await one.platform.onboarding.unlinkMerchant('Kasse ApS', MERCHANT_A);
    assert.ok(await eventually(async () => (await stores()).statusCode === 403), 'the other platform still serves the unlinked merchant');
    assertError(await stores(), 403, '3010');
  });

  test('the operator CLI unlinking in the SQLite file of a running platform', async (t) => {
    const database = persistentDatabase('sqlite');
    const { app } = await startPlatform(t, 'sqlite', { seed: SEED, database });
    const token = await tokenFor(app, CLIENT_1);
    const stores = () => v10(app, 'GET', '/stores', { token });
    assert.equal((await stores()).statusCode, 200);

    // What `pos-admin integrator unlink` does: its own connection to the file, no platform.
    await asOperator(database, (onboarding) => onboarding.unlinkMerchant('Kasse ApS', MERCHANT_A));
    assert.ok(await eventually(async () => (await stores()).statusCode === 403), 'the platform still serves the unlinked merchant');
  });
});
