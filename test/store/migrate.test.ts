import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { sql } from 'kysely';
import pg from 'pg';
import { openDatabase } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { dropDatabase, freshDatabase, TEST_POSTGRES_URL } from '../helpers/platform.js';

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
