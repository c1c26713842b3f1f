import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { Migrator, sql, type Migration } from 'kysely';
import pg from 'pg';
import { openDatabase } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import * as foundation from '../../src/store/migrations/0001-foundation.js';
import * as engineMigration from '../../src/store/migrations/0002-engine.js';
import * as wallet from '../../src/store/migrations/0003-wallet.js';
import * as deliveries from '../../src/store/migrations/0004-deliveries.js';
import * as access from '../../src/store/migrations/0005-access.js';
import * as paymentChanges from '../../src/store/migrations/0006-payment-changes.js';
import * as idempotencyStatus from '../../src/store/migrations/0007-idempotency-status.js';
import { requestLogRepository } from '../../src/store/repositories/request-log.js';
import { dropDatabase, ENGINES, freshDatabase, TEST_POSTGRES_URL } from '../helpers/platform.js';

test('migrations succeed on PostgreSQL while other schemas of the database are created and dropped', async (t) => {
  // Other tenants (or test runs) come and go, each schema with a few tables, as fast as the server allows.
  const churn = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await churn.connect();
  let churning = true;
  const churned = (async () => {
    while (churning) {
      const schema = `churn_${randomBytes(6).toString('hex')}`;
      await churn.query(`CREATE SCHEMA ${schema}; CREATE TABLE ${schema}.a (id serial primary key); CREATE TABLE ${schema}.b (id serial primary key)`);
      await churn.query(`DROP SCHEMA ${schema} CASCADE`);
    }
  })();
  t.after(() => churn.end());

  try {
    for (let i = 0; i < 12; i++) {
      const target = freshDatabase('postgres');
      const opened = await openDatabase(target);
      try {
        await migrateToLatest(opened);
        const { rows } = await sql<{ n: number }>`select count(*)::int as n from information_schema.tables where table_schema = ${opened.schema} and table_name = 'payments'`.execute(opened.db);
        assert.equal(rows[0]!.n, 1);
      } finally {
        await opened.close();
        await dropDatabase(target);
      }
    }
  } finally {
    churning = false;
    await churned;
  }
});

for (const engine of ENGINES) {
  test(`0008 drops the request log's JSON batches: the log is diagnostic, and a batch lacks what a row records (${engine})`, async (t) => {
    const target = freshDatabase(engine);
    const opened = await openDatabase(target);
    t.after(async () => {
      await opened.close();
      await dropDatabase(target);
    });
    // The database as 0007 left it, holding a batch of calls.
    const before: Record<string, Migration> = { '0001-foundation': foundation, '0002-engine': engineMigration, '0003-wallet': wallet, '0004-deliveries': deliveries, '0005-access': access, '0006-payment-changes': paymentChanges, '0007-idempotency-status': idempotencyStatus };
    const migrator = new Migrator({ db: opened.db, provider: { getMigrations: async () => before }, ...(opened.schema ? { migrationTableSchema: opened.schema } : {}) });
    assert.equal((await migrator.migrateToLatest()).error, undefined);
    const batch = { since: 1_767_607_200_000, endpoints: [['GET', '/pos/v10/stores', '/pos/v10/stores']], calls: [[0, 0, 200, 1.5, 'c-1', null, null, 0]] };
    await sql`insert into request_log (client_id, batch_order, calls) values (${'kasse-pos'}, ${1}, ${JSON.stringify(batch)})`.execute(opened.db);

    await migrateToLatest(opened);
    assert.deepEqual(await requestLogRepository.recent(opened.db, { clientId: 'kasse-pos', limit: 10 }), []);
  });
}
