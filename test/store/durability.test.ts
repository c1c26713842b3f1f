import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ManualTime } from '../helpers/manual-time.js';
import type { DueRun } from '../../src/jobs/due-timers.js';
import type { Platform } from '../../src/platform.js';
import { MERCHANT_A, MERCHANT_B, STORE_A1, STORE_B1, TEST_SEED, tokenFor, v10 } from '../helpers/fixtures.js';
import {
  USERS,
  advanceClock,
  assertDue,
  assertError,
  capture,
  capturedPayment,
  createRefund,
  createPos,
  getCheckin,
  getPayment,
  getRefund,
  initiated,
  refundBody,
  refunded,
  reservedPayment,
  simulate,
  unique,
} from '../helpers/flows.js';
import { ENGINES, dropDatabase, freshDatabase, persistentDatabase, startPlatform, type TestPlatform } from '../helpers/platform.js';
import { DAY, HOUR, MINUTE } from '../../src/domain/durations.js';

const START = Date.parse('2026-01-05T10:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

async function payoutRows(platform: Platform) {
  const rows = await platform.db.selectFrom('payouts').selectAll().orderBy('store_id').orderBy('paid_at').execute();
  return rows.map((p) => ({ storeId: p.store_id, amount: Number(p.amount), paidAt: iso(Number(p.paid_at)) }));
}

async function statusCounts(platform: Platform, table: 'payments' | 'refunds'): Promise<Record<string, number>> {
  const rows = await platform.db.selectFrom(table).select('status').execute();
  const counts: Record<string, number> = {};
  for (const { status } of rows) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}

/** The counts of several runs added up, kind by kind. */
function sumRuns(runs: DueRun[]): DueRun {
  const total = Object.fromEntries(Object.keys(runs[0]!).map((kind) => [kind, 0])) as unknown as DueRun;
  for (const run of runs) for (const kind of Object.keys(run) as (keyof DueRun)[]) total[kind] += run[kind];
  return total;
}

for (const engine of ENGINES) {
  describe(`durability across a restart (${engine})`, () => {
    test('timers that fell due while the platform was down each fire exactly once at the first run after start, and the state survives', async (t) => {
      const database = persistentDatabase(engine);
      const time = new ManualTime();
      const first = await startPlatform(t, engine, { seed: TEST_SEED, database, time, keepDatabase: true });
      const token = await tokenFor(first.app);
      await advanceClock(first.app, first.platform.adminToken, MINUTE); // the sandbox offset must survive too

      const { paymentId: reserved } = await reservedPayment(first.app, token, 100); // due in 7 days
      const captured = await capturedPayment(first.app, token, 100);
      const reservedRefund = await refunded(first.app, token, captured, 40); // due in 24 hours
      const capturedRefund = await refunded(first.app, token, captured, 10);
      assert.equal((await v10(first.app, 'POST', `/refunds/${capturedRefund}/capture`, { token })).statusCode, 200);
      const waitingPos = await createPos(first.app, token);
      const waiting = await initiated(first.app, token, waitingPos.posId); // due in 5 minutes
      const checkinPos = await createPos(first.app, token);
      assert.equal((await simulate(first.app, token, 'checkin', { beaconId: checkinPos.beaconId, phoneNumber: USERS.credit })).statusCode, 200);

      const before = {
        reserved: await getPayment(first.app, token, reserved),
        captured: await getPayment(first.app, token, captured),
        waiting: await getPayment(first.app, token, waiting),
        reservedRefund: await getRefund(first.app, token, reservedRefund),
        capturedRefund: await getRefund(first.app, token, capturedRefund),
      };
      await first.app.close();
      await first.platform.close();

      time.advance(7 * DAY + MINUTE); // the platform is down while everything falls due
      const second: TestPlatform = await startPlatform(t, engine, { database, time });
      t.after(() => dropDatabase(database));
      assertDue(await second.platform.dueTimers.runDue(), { payments: 2, refunds: 1, checkins: 1, payouts: 1 });
      assertDue(await second.platform.dueTimers.runDue(), {});

      const { app, platform } = second;
      const fresh = await tokenFor(app); // the old token expired with the week of wall time
      const without = <T extends Record<string, unknown>>(body: T, ...keys: string[]) =>
        Object.fromEntries(Object.entries(body).filter(([key]) => !keys.includes(key)));
      assert.deepEqual(await getPayment(app, fresh, reserved), {
        ...without(before.reserved, 'paymentExpiresAt', 'partialCapturePossible'),
        status: 'ExpiredAndCancelled',
      });
      assert.deepEqual(await getPayment(app, fresh, waiting), { ...without(before.waiting, 'paymentExpiresAt'), status: 'CancelledByMobilePay' });
      assert.deepEqual(await getPayment(app, fresh, captured), before.captured);
      assert.deepEqual(await getRefund(app, fresh, reservedRefund), { ...before.reservedRefund, status: 'ExpiredAndCaptured' });
      assert.deepEqual(await getRefund(app, fresh, capturedRefund), before.capturedRefund);
      assert.equal((await getCheckin(app, fresh, checkinPos.posId)).isUserCheckedIn, false);

      const clock = await app.inject({ method: 'GET', url: '/sandbox/clock', headers: { authorization: `Bearer ${platform.adminToken}` } });
      assert.equal(clock.json().now, iso(START + 7 * DAY + 2 * MINUTE));
      // The store was paid what it held at the first midnight: 100.00 captured minus 50.00 refunded.
      assert.deepEqual(await payoutRows(platform), [{ storeId: STORE_A1, amount: 5000, paidAt: '2026-01-06T00:00:00.000Z' }]);
      // The PoS of the cancelled payment takes a new one.
      await initiated(app, fresh, waitingPos.posId);
    });

    test('a flow cut by a restart carries on: its reservations can be captured, and a retried create answers the original refund', async (t) => {
      const database = persistentDatabase(engine);
      const time = new ManualTime();
      const first = await startPlatform(t, engine, { seed: TEST_SEED, database, time, keepDatabase: true });
      const token = await tokenFor(first.app);
      const { paymentId: reserved } = await reservedPayment(first.app, token, 80);
      const captured = await capturedPayment(first.app, token, 100);
      const idempotencyKey = unique();
      const body = refundBody(captured, { amount: 25 });
      const created = await v10(first.app, 'POST', '/refunds', { token, idempotencyKey }, body);
      assert.equal(created.statusCode, 200, created.body);
      await first.app.close();
      await first.platform.close();

      time.advance(MINUTE);
      const { app } = await startPlatform(t, engine, { database, time });
      t.after(() => dropDatabase(database));
      // The client's retry of the create whose answer it lost in the restart.
      const retry = await v10(app, 'POST', '/refunds', { token, idempotencyKey }, body);
      assert.equal(retry.statusCode, 200, retry.body);
      assert.deepEqual(retry.json(), created.json());
      assertError(await v10(app, 'POST', '/refunds', { token, idempotencyKey }, { ...body, amount: 26 }), 409, '1306');
      const { refundId } = created.json<{ refundId: string }>();
      assert.equal((await v10(app, 'GET', `/refunds?paymentId=${captured}`, { token })).json().refundIds.length, 1);

      assert.equal((await capture(app, token, reserved, 80)).statusCode, 200);
      assert.equal((await getPayment(app, token, reserved)).status, 'Captured');
      assert.equal((await v10(app, 'POST', `/refunds/${refundId}/capture`, { token })).statusCode, 200);
      assert.deepEqual(await getRefund(app, token, refundId), {
        refundId,
        paymentId: captured,
        refundOrderId: body.refundOrderId,
        amount: 25,
        currencyCode: 'DKK',
        status: 'Captured',
        pollDelayInMs: 1000,
      });
      // What is left to refund survived too: 75.00.
      assertError(await createRefund(app, token, captured, { amount: 75.01 }), 409, '1367');
      await refunded(app, token, captured, 75);
    });
  });
}

describe('several platforms on one PostgreSQL', () => {
  /** Two platforms, each with its own pool and Clock over one shared ManualTime, on one database schema. */
  async function twoPlatforms(t: Parameters<typeof startPlatform>[0]) {
    const database = freshDatabase('postgres');
    const time = new ManualTime();
    const one = await startPlatform(t, 'postgres', { seed: TEST_SEED, database, time, keepDatabase: true });
    const two = await startPlatform(t, 'postgres', { database, time, keepDatabase: true });
    t.after(() => dropDatabase(database));
    return { one, two, both: [one, two] };
  }

  test('both advancing the sandbox clock together process every due item exactly once and pay each store once per scheduled time', async (t) => {
    const { one, two, both } = await twoPlatforms(t);
    const tokens = await Promise.all(both.map(({ app }) => tokenFor(app)));
    const SLOTS = 30;
    for (let i = 0; i < SLOTS; i++) {
      // Every third slot is store B1's; the calls alternate between the two platforms.
      const { app } = both[i % 2]!;
      const token = tokens[i % 2]!;
      const onB = i % 3 === 0;
      const call = { vat: onB ? MERCHANT_B : MERCHANT_A };
      const pos = await createPos(app, token, { storeId: onB ? STORE_B1 : STORE_A1 }, call);
      const paymentId = await capturedPayment(app, token, 100, {}, { pos, call });
      await refunded(app, token, paymentId, 30, call); // Reserved, due in 24 hours
      await reservedPayment(app, token, 50, {}, { pos, call }); // Reserved, due in 7 days
    }
    assert.deepEqual(await statusCounts(one.platform, 'payments'), { Captured: SLOTS, Reserved: SLOTS });

    const runs = await Promise.all(
      both.map(async ({ platform }) => {
        await platform.sandboxClock.advance(8 * DAY);
        return platform.dueTimers.runDue();
      }),
    );
    assertDue(sumRuns(runs), { payments: SLOTS, refunds: SLOTS, payouts: 2 });
    await Promise.all(both.map(({ platform }) => platform.sandboxClock.sync()));
    assert.equal(one.platform.clock.now(), START + 16 * DAY);
    assert.equal(two.platform.clock.now(), START + 16 * DAY);
    for (const { platform } of both) assertDue(await platform.dueTimers.runDue(), {});

    assert.deepEqual(await statusCounts(two.platform, 'payments'), { Captured: SLOTS, ExpiredAndCancelled: SLOTS });
    assert.deepEqual(await statusCounts(two.platform, 'refunds'), { ExpiredAndCaptured: SLOTS });
    // 20 slots of A1 and 10 of B1, each 100.00 captured minus 30.00 refunded.
    const firstPayouts = [
      { storeId: STORE_A1, amount: 20 * 7000, paidAt: '2026-01-06T00:00:00.000Z' },
      { storeId: STORE_B1, amount: 10 * 7000, paidAt: '2026-01-06T00:00:00.000Z' },
    ];
    assert.deepEqual(await payoutRows(one.platform), firstPayouts);

    // The next scheduled payout, through both apps' sandbox clock endpoints at once.
    await capturedPayment(one.app, tokens[0]!, 20);
    await capturedPayment(two.app, tokens[1]!, 15, {}, { pos: await createPos(two.app, tokens[1]!, { storeId: STORE_B1 }, { vat: MERCHANT_B }), call: { vat: MERCHANT_B } });
    const nows = await Promise.all(both.map(({ app, platform }) => advanceClock(app, platform.adminToken, 8 * HOUR)));
    assert.deepEqual(nows.sort(), [iso(START + 16 * DAY + 8 * HOUR), iso(START + 16 * DAY + 16 * HOUR)]);
    assert.deepEqual(await payoutRows(two.platform), [
      firstPayouts[0],
      { storeId: STORE_A1, amount: 2000, paidAt: '2026-01-22T00:00:00.000Z' },
      firstPayouts[1],
      { storeId: STORE_B1, amount: 1500, paidAt: '2026-01-22T00:00:00.000Z' },
    ]);
  });

  test('two platforms running due timers at the same platform time move each item once', async (t) => {
    const { one, two, both } = await twoPlatforms(t);
    const token = await tokenFor(one.app);
    const SLOTS = 30;
    const payments: string[] = [];
    for (let i = 0; i < SLOTS; i++) {
      const app = both[i % 2]!.app;
      const pos = await createPos(app, token);
      if (i % 2) payments.push(await initiated(app, token, pos.posId)); // due in 5 minutes
      else assert.equal((await simulate(app, token, 'checkin', { beaconId: pos.beaconId, phoneNumber: USERS.credit })).statusCode, 200); // due in 60 s
    }

    await one.platform.sandboxClock.advance(10 * MINUTE);
    await two.platform.sandboxClock.sync();
    assert.equal(two.platform.clock.now(), one.platform.clock.now());
    const runs = await Promise.all(both.flatMap(({ platform }) => [platform.dueTimers.runDue(), platform.dueTimers.runDue()]));
    assertDue(sumRuns(runs), { payments: SLOTS / 2, checkins: SLOTS / 2 });
    for (const { platform } of both) assertDue(await platform.dueTimers.runDue(), {});
    for (const id of payments) assert.equal((await getPayment(two.app, token, id)).status, 'CancelledByMobilePay');
  });

  test('the sandbox clock is shared: an advance on one platform is seen by the other, and concurrent advances add up', async (t) => {
    const { one, two } = await twoPlatforms(t);
    const read = async ({ app, platform }: TestPlatform) =>
      (await app.inject({ method: 'GET', url: '/sandbox/clock', headers: { authorization: `Bearer ${platform.adminToken}` } })).json().now;
    assert.equal(await advanceClock(one.app, one.platform.adminToken, HOUR), iso(START + HOUR));
    assert.equal(await read(two), iso(START + HOUR));
    await Promise.all([advanceClock(one.app, one.platform.adminToken, 30 * MINUTE), advanceClock(two.app, two.platform.adminToken, 30 * MINUTE)]);
    assert.equal(await read(one), iso(START + 2 * HOUR));
    assert.equal(await read(two), iso(START + 2 * HOUR));
  });
});
