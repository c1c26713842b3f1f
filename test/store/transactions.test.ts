import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AccessSnapshot } from '../../src/services/access.js';
import { untilSaved } from '../../src/services/state-change.js';
import { openDatabase } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { merchantsRepository } from '../../src/store/repositories/merchants.js';
import { ConnectionWaitError } from '../../src/store/sqlite-bounded-wait.js';
import { MERCHANT_A, TEST_SEED } from '../helpers/fixtures.js';
import { ENGINES, startPlatform } from '../helpers/platform.js';

/** What `work` settled to, or a failure once `ms` passed: a regression fails here instead of hanging the suite. */
async function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still waiting after ${ms} ms: a query outside the transaction waits for it`)), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

for (const engine of ENGINES) {
  describe(`transactions (${engine})`, () => {
    // On SQLite (one connection) the merchant directory used to query the pool when it had not resolved a VAT
    // number yet: inside a transaction, given no `trx`, that query waited for the transaction, which waited for it.
    test('a service resolves the merchant of a call inside a transaction without the transaction', async (t) => {
      const { platform } = await startPlatform(t, engine, { seed: TEST_SEED });
      const merchantId = (await merchantsRepository.findByVat(platform.db, MERCHANT_A))!.merchantId;
      const fresh = new AccessSnapshot(platform.db);
      await fresh.reload();
      let resolved: string | undefined;
      await within(
        2000,
        untilSaved(platform.db, async () => {
          resolved = fresh.merchantIdOf(MERCHANT_A);
          return true;
        }),
      );
      assert.equal(resolved, merchantId);
    });
  });
}

describe('transactions (sqlite): a query on the pool inside a transaction', () => {
  test('fails fast, naming the mistake, instead of waiting for the transaction forever; the database stays usable', async () => {
    const opened = await openDatabase({ engine: 'sqlite', file: ':memory:' }, { sqliteConnectionWaitMs: 200 });
    try {
      await migrateToLatest(opened);
      const { db } = opened;
      const stray = db.transaction().execute(async (trx) => {
        await merchantsRepository.findByVat(trx, MERCHANT_A);
        return merchantsRepository.findByVat(db, MERCHANT_A); // the pool, not trx
      });
      await assert.rejects(within(2000, stray), ConnectionWaitError);
      assert.equal(await within(2000, merchantsRepository.findByVat(db, MERCHANT_A)), undefined);
    } finally {
      await opened.close();
    }
  });
});

