import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { UniqueViolation, type UniqueRule } from '../../src/store/constraint-violation.js';
import { paymentsRepository } from '../../src/store/repositories/payments.js';
import { pointsOfSaleRepository } from '../../src/store/repositories/points-of-sale.js';
import { TEST_SEED, tokenFor } from '../helpers/fixtures.js';
import { createPos, initiated } from '../helpers/flows.js';
import { ENGINES, startPlatform } from '../helpers/platform.js';

const NEW_ID = '0c000000-0000-4000-8000-000000000001';

const breaks = (rule: UniqueRule) => (error: unknown) => {
  assert.ok(error instanceof UniqueViolation, String(error));
  assert.equal(error.rule, rule);
  return true;
};

for (const engine of ENGINES) {
  describe(`uniqueness rules (${engine})`, () => {
    test('a repository reports each broken rule by its name, whichever engine names it how', async (t) => {
      const { app, platform } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      const pos = await createPos(app, token);
      const paymentId = await initiated(app, token, pos.posId);
      const db = platform.db;
      const existingPos = (await pointsOfSaleRepository.findById(db, pos.posId))!;
      const existingPayment = (await paymentsRepository.findById(db, paymentId))!;

      await assert.rejects(
        pointsOfSaleRepository.insert(db, { ...existingPos, posId: NEW_ID, merchantPosId: 'another till' }),
        breaks('activeBeacon'),
      );
      await assert.rejects(
        pointsOfSaleRepository.insert(db, { ...existingPos, posId: NEW_ID, beaconId: '123456789012345' }),
        breaks('activeMerchantPosId'),
      );
      await assert.rejects(paymentsRepository.insert(db, { ...existingPayment, paymentId: NEW_ID, orderId: 'another' }), breaks('activePaymentPerPos'));
      // Any other broken constraint is the engine's own error: a primary key, here.
      await assert.rejects(paymentsRepository.insert(db, { ...existingPayment, status: 'Captured' }), (error) => !(error instanceof UniqueViolation));
    });
  });
}
