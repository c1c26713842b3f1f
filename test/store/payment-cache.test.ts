import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CLIENT_2, MERCHANT_B, TEST_SEED, tokenFor, v10 } from '../helpers/fixtures.js';
import { assertError, createPos, getPayment, initiated } from '../helpers/flows.js';
import { startPlatform } from '../helpers/platform.js';
import type { Db } from '../../src/store/database.js';
import { paymentsRepository } from '../../src/store/repositories/payments.js';

// The payment cache is SQLite's (one platform process per database); these tests look at it through the
// repository, the way the polling GET reads.
describe('payment cache (sqlite)', () => {
  /** Cancels the Initiated payment, the way any state change writes. */
  const cancel = (db: Db, paymentId: string) => paymentsRepository.end(db, { paymentId, status: 'Initiated' }, 'CancelledByClient', 1);

  async function withPayment(t: Parameters<typeof startPlatform>[0]) {
    const { app, platform } = await startPlatform(t, 'sqlite', { seed: TEST_SEED });
    const token = await tokenFor(app);
    const pos = await createPos(app, token);
    const paymentId = await initiated(app, token, pos.posId);
    return { app, platform, token, paymentId };
  }

  test('a write through any path is seen by the next read', async (t) => {
    const { app, platform, token, paymentId } = await withPayment(t);
    assert.equal((await getPayment(app, token, paymentId)).status, 'Initiated'); // now cached
    await platform.db.transaction().execute((trx) => cancel(trx, paymentId));
    assert.equal((await getPayment(app, token, paymentId)).status, 'CancelledByClient');
  });

  test('a write that is rolled back leaves the committed row to be read', async (t) => {
    const { platform, paymentId } = await withPayment(t);
    await paymentsRepository.findById(platform.db, paymentId);
    await assert.rejects(
      platform.db.transaction().execute(async (trx) => {
        await cancel(trx, paymentId);
        // Read inside the transaction: sees its own write, and must not put it in the cache.
        assert.equal((await paymentsRepository.findById(trx, paymentId))?.status, 'CancelledByClient');
        throw new Error('roll back');
      }),
      /roll back/,
    );
    assert.equal((await paymentsRepository.findById(platform.db, paymentId))?.status, 'Initiated');
  });

  test('a read that raced a write does not keep what it read', async (t) => {
    const { platform, paymentId } = await withPayment(t);
    // Both start together: the read's SELECT may run before the UPDATE, but its result must not be cached.
    const [raced] = await Promise.all([paymentsRepository.findById(platform.db, paymentId), cancel(platform.db, paymentId)]);
    assert.ok(raced);
    assert.equal((await paymentsRepository.findById(platform.db, paymentId))?.status, 'CancelledByClient');
  });

  test('repeated reads of an unchanged payment are served without a query', async (t) => {
    const { platform, paymentId } = await withPayment(t);
    const first = await paymentsRepository.findById(platform.db, paymentId);
    const second = await paymentsRepository.findById(platform.db, paymentId);
    assert.equal(second, first, 'the same record object: it came from the cache, mapped once');
  });

  // A poll of a cached payment by a caller whose merchant is known is answered without waiting (a different path
  // from the first, loading poll); it must refuse exactly what the loading poll refuses.
  test('a cached payment is refused to another integrator with 1401 and to another merchant with 1411', async (t) => {
    const { app, token, paymentId } = await withPayment(t);
    const first = await getPayment(app, token, paymentId);
    assert.deepEqual(await getPayment(app, token, paymentId), first, 'a repeated poll answers the same body');
    const otherIntegrator = await tokenFor(app, CLIENT_2);
    for (let call = 0; call < 2; call++) {
      assertError(await v10(app, 'GET', `/payments/${paymentId}`, { token: otherIntegrator }), 403, '1401');
      // The first call for merchant B resolves B's id (the loading path), the second finds it known.
      assertError(await v10(app, 'GET', `/payments/${paymentId}`, { token, vat: MERCHANT_B }), 403, '1411');
    }
    assert.deepEqual(await getPayment(app, token, paymentId), first);
  });
});
