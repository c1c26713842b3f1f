import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { applySeed, readSeedFile, SeedError, type Seed } from '../../src/services/seed.js';
import { verifySecret } from '../../src/services/secrets.js';
import { CLIENT_1, TEST_SEED } from '../helpers/fixtures.js';
import { ENGINES, startPlatform } from '../helpers/platform.js';

const snapshot = async (db: Awaited<ReturnType<typeof startPlatform>>['platform']['db']) => ({
  merchants: await db.selectFrom('merchants').selectAll().orderBy('vat_number').execute(),
  brands: await db.selectFrom('brands').selectAll().orderBy('merchant_brand_id').execute(),
  stores: await db.selectFrom('stores').selectAll().orderBy('store_id').execute(),
  integrators: await db.selectFrom('integrators').selectAll().orderBy('name').execute(),
  clients: await db.selectFrom('clients').selectAll().orderBy('client_id').execute(),
  aliases: await db.selectFrom('callback_aliases').selectAll().orderBy('alias').execute(),
  customers: await db.selectFrom('customers').selectAll().orderBy('phone_number').execute(),
  links: await db.selectFrom('integrator_merchants').selectAll().orderBy('integrator_id').orderBy('merchant_id').execute(),
  accessVersion: await db.selectFrom('platform_state').select('value').where('name', '=', 'access_version').executeTakeFirst(),
});

const FULL_SEED: Seed = {
  ...TEST_SEED,
  integrators: [
    { ...TEST_SEED.integrators![0]!, callbackAliases: [{ alias: 'kasse-notify', url: 'http://127.0.0.1:9999/notify' }] },
    ...TEST_SEED.integrators!.slice(1),
  ],
  users: [{ phoneNumber: '+4520031899', paymentSource: 'Debit', loyaltyIds: ['123'], partialCapturePossible: false }],
};

for (const engine of ENGINES) {
  describe(`seed file (${engine})`, () => {
    test('applying the same seed twice changes nothing, and secrets are stored hashed', async (t) => {
      const { platform } = await startPlatform(t, engine);
      await applySeed(platform.onboarding, FULL_SEED);
      const first = await snapshot(platform.db);
      await applySeed(platform.onboarding, FULL_SEED);
      assert.deepEqual(await snapshot(platform.db), first);

      assert.equal(first.stores.length, 3);
      assert.equal(first.links.length, 4, 'each integrator is linked to both merchants');
      assert.equal(first.aliases[0]?.url, 'http://127.0.0.1:9999/notify');
      const client = first.clients.find((c) => c.client_id === CLIENT_1.clientId)!;
      assert.ok(!client.secret_hash.includes(CLIENT_1.clientSecret));
      assert.ok(await verifySecret(CLIENT_1.clientSecret, client.secret_hash));
      assert.ok(first.customers.some((c) => c.phone_number === '+4520031899' && c.payment_source === 'Debit'));
      assert.ok(first.customers.some((c) => c.phone_number === '+4520031805'), 'built-in test users are there');
    });

    test('a changed seed updates what it describes and keeps ids', async (t) => {
      const { platform } = await startPlatform(t, engine, { seed: TEST_SEED });
      const before = await snapshot(platform.db);
      const renamed = structuredClone(TEST_SEED);
      renamed.merchants![0]!.brands![0]!.stores![1]!.activated = true;
      renamed.merchants![0]!.name = 'Café Aurora ApS';
      await applySeed(platform.onboarding, renamed);
      const after = await snapshot(platform.db);
      assert.deepEqual(after.stores.map((s) => s.store_id), before.stores.map((s) => s.store_id));
      assert.ok(after.stores.every((s) => s.activated === 1));
      assert.equal(after.merchants.find((m) => m.vat_number === 'DK11111111')?.name, 'Café Aurora ApS');
    });

    test('an invalid seed is refused with a message naming the bad field', async (t) => {
      const { platform } = await startPlatform(t, engine);
      const bad = structuredClone(TEST_SEED);
      bad.merchants![1]!.brands![0]!.stores![0]!.merchantLocationId = '123';
      await assert.rejects(applySeed(platform.onboarding, bad), (error: Error) => {
        assert.ok(error instanceof SeedError);
        assert.match(error.message, /\/merchants\/1\/brands\/0\/stores\/0: merchantLocationId "123"/);
        return true;
      });
    });

    test('in production mode a callback URL to a non-public address is refused, naming the alias and the rule', async (t) => {
      const { platform } = await startPlatform(t, engine, { env: { SANDBOX: 'false' } });
      const seed = (url: string): Seed => ({ integrators: [{ name: 'Kasse ApS', callbackAliases: [{ alias: 'kasse-notify', url }] }] });
      await assert.rejects(applySeed(platform.onboarding, seed('https://[fd00::5]/notify'), 'seed.json'), (error: Error) => {
        assert.ok(error instanceof SeedError);
        assert.equal(
          error.message,
          'seed.json: /integrators/0/callbackAliases/0: url "https://[fd00::5]/notify": host fd00::5 is a unique-local (fc00::/7) address (production mode delivers only to public addresses)',
        );
        return true;
      });
      await assert.rejects(applySeed(platform.onboarding, seed('http://127.0.0.1:9999/notify')), /callbackAliases\/0: url .*must be https:\/\//);
      await applySeed(platform.onboarding, seed('https://93.184.215.14/notify'));
    });

    test('an integrator linked to a merchant the seed does not know is refused with the JSON path of the link', async (t) => {
      const { platform } = await startPlatform(t, engine);
      const bad = structuredClone(TEST_SEED);
      bad.integrators![1]!.merchants = ['DK11111111', 'DK99999999'];
      await assert.rejects(applySeed(platform.onboarding, bad), /^Error: seed: \/integrators\/1\/merchants\/1: no merchant with VAT number DK99999999$/);
      bad.integrators![1]!.merchants = ['Kasse'];
      await assert.rejects(applySeed(platform.onboarding, bad), /\/integrators\/1\/merchants\/0: merchant "Kasse" must be a VAT number/);
    });
  });
}

describe('seed file reading', () => {
  test('a file with a wrong type or an unknown field names the JSON path', async () => {
    const file = join(tmpdir(), `seed-${process.pid}.json`);
    await writeFile(file, JSON.stringify({ merchants: [{ vatNumber: 'DK12345678', name: 7 }] }));
    await assert.rejects(readSeedFile(file), /\/merchants\/0\/name/);
    await writeFile(file, JSON.stringify({ merchant: [] }));
    await assert.rejects(readSeedFile(file), /seed file .*: \/merchant/);
    await writeFile(file, '{ not json');
    await assert.rejects(readSeedFile(file), SeedError);
  });
});
