import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import type { PaymentRecord } from '../../src/domain/payment.js';
import { openDatabase, type Db } from '../../src/store/database.js';
import { cachedPayment, enablePaymentCache, invalidatePayment, paymentChangeDelays, readPayment } from '../../src/store/payment-cache.js';
import { feedConnectionName } from '../../src/store/payment-change-feed.js';
import { paymentsRepository } from '../../src/store/repositories/payments.js';
import { TEST_SEED, tokenFor } from '../helpers/fixtures.js';
import { capture, getPayment, reservedPayment } from '../helpers/flows.js';
import { dropDatabase, eventually, freshDatabase, startPlatform, TEST_POSTGRES_URL } from '../helpers/platform.js';

const BALANCER = 'https://pos.example.com';

/** How many changes the process's payment cache has been told of by the feed. */
async function dropsSeen(db: Db): Promise<number> {
  const delays = paymentChangeDelays(db);
  assert.ok(delays, 'a served PostgreSQL database follows the change feed');
  const { values } = await delays.get();
  return values.find((v) => v.metricName === 'payment_change_drop_delay_seconds_count')?.value ?? 0;
}

/** Runs `sql` on PostgreSQL with triggers off (replica role): a change no process is told of. */
async function silently(schema: string, text: string, values: unknown[]): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    await client.query(`SET session_replication_role = replica; SET search_path = "${schema}"`);
    await client.query(text, values);
  } finally {
    await client.end();
  }
}

async function terminateFeedConnections(schema: string): Promise<number> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    const { rowCount } = await client.query('select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1', [feedConnectionName(schema)]);
    return rowCount ?? 0;
  } finally {
    await client.end();
  }
}

describe('the payment cache on PostgreSQL follows the database change feed', () => {
  test("a change committed through one process is served by another once its notification has arrived, every time", async (t) => {
    const database = freshDatabase('postgres');
    const a = await startPlatform(t, 'postgres', { seed: TEST_SEED, database, keepDatabase: true, env: { PUBLIC_URL: BALANCER } });
    const b = await startPlatform(t, 'postgres', { database, keepDatabase: true, env: { PUBLIC_URL: BALANCER } });
    t.after(() => dropDatabase(database));
    const token = await tokenFor(a.app);

    for (let i = 0; i < 10; i++) {
      const { paymentId } = await reservedPayment(a.app, token, 100);
      assert.equal((await getPayment(b.app, token, paymentId)).status, 'Reserved');
      assert.ok(await heldAfterPolls(b.app, b.platform.db, token, paymentId), 'b answers polls from memory');

      const before = await dropsSeen(b.platform.db);
      assert.equal((await capture(a.app, token, paymentId, 100)).statusCode, 200);
      assert.ok(await eventually(async () => (await dropsSeen(b.platform.db)) > before), "b is told of a's commit");
      assert.equal((await getPayment(b.app, token, paymentId)).status, 'Captured');
    }
    // The operator sees the delay from each commit to its drop.
    const metrics = (await b.app.inject({ method: 'GET', url: '/metrics' })).body;
    assert.ok(Number(/^payment_change_drop_delay_seconds_count (\d+)$/m.exec(metrics)?.[1]) >= 10, metrics);
  });

  test('a lost listening connection empties the cache; nothing held before it listens again is trusted', async (t) => {
    const { platform, app } = await startPlatform(t, 'postgres', { seed: TEST_SEED });
    const schema = (platform.config.database as { schema: string }).schema;
    const token = await tokenFor(app);
    const { paymentId } = await reservedPayment(app, token, 100);
    const label = async () => (await getPayment(app, token, paymentId)).merchantPaymentLabel;
    const relabel = (to: string) => silently(schema, 'update payments set merchant_payment_label = $1 where payment_id = $2', [to, paymentId]);
    assert.ok(await heldAfterPolls(app, platform.db, token, paymentId));

    // A change nobody is told of stays unseen while the cache holds the payment: the poll comes from memory.
    await relabel('silent-1');
    assert.equal(await label(), null);

    assert.equal(await terminateFeedConnections(schema), 1);
    assert.ok(await eventually(async () => paymentsRepository.findCached(platform.db, paymentId) === undefined), 'the cache is emptied when the feed loses its connection');
    assert.equal(await label(), 'silent-1');
    // Listening again (it reconnects by itself) starts from nothing as well.
    assert.ok(await eventually(async () => (await terminateFeedConnections('')) === 0 && (await feedListening(schema))));
    await relabel('silent-2');
    assert.equal(await label(), 'silent-2');
  });
});

/**
 * Polls until the process holds the payment: a payment just written is held only once the feed has brought
 * the write's commit.
 */
function heldAfterPolls(app: FastifyInstance, db: Db, token: string, paymentId: string): Promise<boolean> {
  return eventually(async () => {
    await getPayment(app, token, paymentId);
    return paymentsRepository.findCached(db, paymentId) !== undefined;
  });
}

async function feedListening(schema: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    const { rowCount } = await client.query("select 1 from pg_stat_activity where application_name = $1 and state = 'idle'", [feedConnectionName(schema)]);
    return (rowCount ?? 0) > 0;
  } finally {
    await client.end();
  }
}

describe('the payment cache keeps no payment read across a change', () => {
  const payment = { paymentId: 'p-1', status: 'Reserved' } as PaymentRecord;

  /** A cache that follows a feed, listening, and a read of p-1 whose load is resolved by hand. */
  async function setUp(t: import('node:test').TestContext) {
    const opened = await openDatabase({ engine: 'sqlite', file: ':memory:' });
    t.after(() => opened.close());
    const feed = enablePaymentCache(opened.db, true);
    feed.listening();
    const read = () => {
      let resolve!: (p: PaymentRecord) => void;
      const done = readPayment(opened.db, 'p-1', () => new Promise<PaymentRecord>((r) => (resolve = r)));
      return { done, finish: (p = payment) => resolve(p) };
    };
    return { db: opened.db, feed, read };
  }

  test('a read with no change meanwhile is kept', async (t) => {
    const { db, read } = await setUp(t);
    const r = read();
    r.finish();
    await r.done;
    assert.equal(cachedPayment(db, 'p-1'), payment);
  });

  test("a read during which another process's change arrived is not kept", async (t) => {
    const { db, feed, read } = await setUp(t);
    const r = read();
    feed.changed('p-1', Date.now());
    r.finish();
    await r.done;
    assert.equal(cachedPayment(db, 'p-1'), undefined);
  });

  test("a payment this process wrote is not kept until the feed brings the write's commit", async (t) => {
    const { db, feed, read } = await setUp(t);
    invalidatePayment(db, 'p-1');
    const before = read();
    before.finish();
    await before.done;
    assert.equal(cachedPayment(db, 'p-1'), undefined, 'read between the write and its commit');
    feed.changed('p-1', Date.now());
    const after = read();
    after.finish();
    await after.done;
    assert.equal(cachedPayment(db, 'p-1'), payment);
  });

  test('while the feed is not listening nothing is kept, and what was held is dropped', async (t) => {
    const { db, feed, read } = await setUp(t);
    const first = read();
    first.finish();
    await first.done;
    feed.lost();
    assert.equal(cachedPayment(db, 'p-1'), undefined);
    const during = readPayment(db, 'p-1', async () => payment);
    await during;
    assert.equal(cachedPayment(db, 'p-1'), undefined);
    // A read begun before the feed listened again may have missed a change: not kept either.
    const across = read();
    feed.listening();
    across.finish();
    await across.done;
    assert.equal(cachedPayment(db, 'p-1'), undefined);
  });
});
