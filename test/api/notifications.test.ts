import assert from 'node:assert/strict';
import { after, before, describe, test, type TestContext } from 'node:test';
import { MINUTE, SECOND } from '../../src/domain/durations.js';
import { startBackgroundWork } from '../../src/jobs/background.js';
import type { Platform } from '../../src/platform.js';
import { notificationsRepository } from '../../src/store/repositories/notifications.js';
import { CLIENT_2, MERCHANT_A, MERCHANT_B, STORE_B1, TEST_SEED, tokenFor } from '../helpers/fixtures.js';
import { advanceClock, createPos, getPayment, initiated, simulate, USERS } from '../helpers/flows.js';
import { ENGINES, dropDatabase, freshDatabase, persistentDatabase, startPlatform, type StartOptions } from '../helpers/platform.js';
import { deliveriesSettled, OpenCount, Receiver, waitFor } from '../helpers/receivers.js';

let endpoint: Receiver;
before(async () => (endpoint = await Receiver.start()));
after(() => endpoint.stop());

/** A receiver of this test alone, stopped when it ends. */
async function receiver(t: TestContext, shared?: OpenCount): Promise<Receiver> {
  const started = await Receiver.start(shared);
  t.after(() => started.stop());
  return started;
}

const notifications = (platform: Platform) => platform.db.selectFrom('notifications').selectAll().orderBy('created_at').execute();

/** Queues a notification straight into the outbox, as a check-in does, without waking the worker. */
let queued = 0;
async function queue(platform: Platform, url: string): Promise<string> {
  const id = `00000000-0000-4000-8000-${String(++queued).padStart(12, '0')}`;
  await notificationsRepository.insert(platform.db, { notificationId: id, url, origin: new URL(url).origin, payload: { n: queued }, createdAt: platform.clock.now() }, platform.clock.now());
  return id;
}

for (const engine of ENGINES) {
  describe(`check-in notifications (${engine})`, () => {
    async function setUp(t: TestContext, url: string, options: StartOptions = {}) {
      const started = await startPlatform(t, engine, { seed: TEST_SEED, ...options });
      await started.platform.onboarding.upsertCallbackAlias('Kasse ApS', 'kasse-notify', url);
      const token = await tokenFor(started.app);
      return { ...started, token };
    }
    const received = (path: string) => endpoint.received.filter((r) => r.path === path);

    test('a check-in on a PoS with a registered alias POSTs the merchant and PoS ids to its URL, and records the attempt', async (t) => {
      const path = `/notify-${engine}-1`;
      const { app, platform, token } = await setUp(t, endpoint.url(path));
      const pos = await createPos(app, token, { callbackAlias: 'kasse-notify', merchantPosId: 'till-notify' });
      const silent = await createPos(app, token); // no alias: no notification
      const unregistered = await createPos(app, token, { callbackAlias: 'nobody-registered-this' });
      for (const beaconId of [pos.beaconId, silent.beaconId, unregistered.beaconId]) {
        assert.equal((await simulate(app, token, 'checkin', { beaconId, phoneNumber: USERS.credit })).statusCode, 200);
      }
      await deliveriesSettled(platform);

      const merchantId = (await platform.db.selectFrom('merchants').select('merchant_id').where('vat_number', '=', MERCHANT_A).executeTakeFirstOrThrow()).merchant_id;
      assert.deepEqual(received(path), [
        {
          path,
          contentType: 'application/json',
          body: { MerchantId: merchantId, MerchantBrandId: 'POSDK11111', MerchantLocationId: '00001', MerchantPosId: 'till-notify', PosId: pos.posId },
        },
      ]);
      const [row] = await notifications(platform);
      assert.equal(row?.attempts, 1);
      assert.equal(row?.delivered_at, platform.clock.now());
      const attempts = await notificationsRepository.listAttempts(platform.db, row!.notification_id);
      assert.equal(attempts.length, 1);
      assert.deepEqual({ ...attempts[0], latencyMs: undefined }, { notificationId: row!.notification_id, attempt: 1, attemptedAt: platform.clock.now(), status: 200, error: null, latencyMs: undefined });
      assert.ok(Number.isInteger(attempts[0]!.latencyMs) && attempts[0]!.latencyMs >= 0);

      platform.deliveries.wake();
      await deliveriesSettled(platform);
      assert.equal(received(path).length, 1, 'a delivered notification is not sent again');
    });

    test('a check-in that pairs with a waiting payment notifies too', async (t) => {
      const path = `/notify-${engine}-2`;
      const { app, platform, token } = await setUp(t, endpoint.url(path));
      const pos = await createPos(app, token, { callbackAlias: 'kasse-notify' });
      await initiated(app, token, pos.posId);
      await simulate(app, token, 'checkin', { beaconId: pos.beaconId, phoneNumber: USERS.credit });
      await deliveriesSettled(platform);
      assert.equal(received(path).length, 1);
    });

    test('anything but 200 is tried 3 more times on the backoff schedule in platform time, each attempt recorded, then given up', async (t) => {
      const target = await receiver(t);
      target.answer = 500;
      const { app, platform, token } = await setUp(t, target.url());
      const start = platform.clock.now();
      const pos = await createPos(app, token, { callbackAlias: 'kasse-notify' });
      await simulate(app, token, 'checkin', { beaconId: pos.beaconId, phoneNumber: USERS.credit });
      const advance = async (ms: number) => {
        await advanceClock(app, platform.adminToken, ms);
        await deliveriesSettled(platform);
        return target.received.length;
      };
      assert.equal(await advance(0), 1);
      assert.equal(await advance(9 * SECOND), 1, 'the first retry is due after 10 s');
      assert.equal(await advance(SECOND), 2);
      assert.equal(await advance(MINUTE), 3);
      assert.equal(await advance(5 * MINUTE), 4);
      assert.equal(await advance(24 * 60 * MINUTE), 4, 'given up after 4 attempts');
      const [row] = await notifications(platform);
      assert.equal(row?.attempts, 4);
      assert.equal(row?.next_attempt_at, null);
      assert.equal(row?.delivered_at, null);
      assert.equal(row?.last_error, 'answered 500');
      const attempts = await notificationsRepository.listAttempts(platform.db, row!.notification_id);
      assert.deepEqual(
        attempts.map((a) => [a.attempt, a.attemptedAt - start, a.status, a.error]),
        [
          [1, 0, 500, null],
          [2, 10 * SECOND, 500, null],
          [3, 70 * SECOND, 500, null],
          [4, 370 * SECOND, 500, null],
        ],
      );
    });

    test('a retry that succeeds marks the notification delivered and sends nothing more', async (t) => {
      const target = await receiver(t);
      target.answer = 503;
      const { app, platform, token } = await setUp(t, target.url());
      const pos = await createPos(app, token, { callbackAlias: 'kasse-notify' });
      await simulate(app, token, 'checkin', { beaconId: pos.beaconId, phoneNumber: USERS.credit });
      await deliveriesSettled(platform);
      target.answer = 200;
      await advanceClock(app, platform.adminToken, 10_000);
      await deliveriesSettled(platform);
      await advanceClock(app, platform.adminToken, 24 * 60 * 60_000);
      await deliveriesSettled(platform);
      assert.equal(target.received.length, 2);
      const [row] = await notifications(platform);
      assert.equal(row?.attempts, 2);
      assert.notEqual(row?.delivered_at, null);
      const attempts = await notificationsRepository.listAttempts(platform.db, row!.notification_id);
      assert.deepEqual(attempts.map((a) => a.status), [503, 200]);
    });

    test('an unreachable endpoint counts as a failed attempt, recorded with the error', async (t) => {
      const { app, platform, token } = await setUp(t, 'http://127.0.0.1:1/notify');
      const pos = await createPos(app, token, { callbackAlias: 'kasse-notify' });
      await simulate(app, token, 'checkin', { beaconId: pos.beaconId, phoneNumber: USERS.credit });
      await deliveriesSettled(platform);
      const [row] = await notifications(platform);
      assert.equal(row?.attempts, 1);
      assert.equal(row?.delivered_at, null);
      assert.match(row?.last_error ?? '', /ECONNREFUSED/);
      const [attempt] = await notificationsRepository.listAttempts(platform.db, row!.notification_id);
      assert.equal(attempt?.status, null);
      assert.match(attempt?.error ?? '', /ECONNREFUSED/);
    });

    test('a receiver that does not answer in time is a failed attempt: the request is aborted and retried later', async (t) => {
      const silent = await receiver(t);
      silent.answer = 'hold';
      const { platform } = await setUp(t, silent.url(), { deliveryLimits: { timeoutMs: 100 } });
      const id = await queue(platform, silent.url());
      platform.deliveries.wake();
      await deliveriesSettled(platform);
      const [attempt] = await notificationsRepository.listAttempts(platform.db, id);
      assert.deepEqual([attempt?.status, attempt?.error], [null, 'no answer within 100 ms']);
      await waitFor(() => silent.aborted === 1, 'the receiver to see the request aborted');
      const [row] = await notifications(platform);
      assert.equal(row?.next_attempt_at, platform.clock.now() + 10 * SECOND);
    });

    test('a redirect is a failed attempt and is never followed', async (t) => {
      const internal = await receiver(t); // stands for an internal port the redirect points at
      const redirecting = await receiver(t);
      redirecting.answer = 307;
      redirecting.location = internal.url('/internal');
      const { app, platform, token } = await setUp(t, redirecting.url());
      const pos = await createPos(app, token, { callbackAlias: 'kasse-notify' });
      await simulate(app, token, 'checkin', { beaconId: pos.beaconId, phoneNumber: USERS.credit });
      await deliveriesSettled(platform);
      await advanceClock(app, platform.adminToken, 10 * SECOND);
      await deliveriesSettled(platform);

      assert.equal(redirecting.received.length, 2);
      assert.deepEqual(internal.received, [], 'the redirect target got nothing');
      const [row] = await notifications(platform);
      assert.deepEqual([row?.attempts, row?.delivered_at, row?.last_error], [2, null, 'answered 307']);
      const attempts = await notificationsRepository.listAttempts(platform.db, row!.notification_id);
      assert.deepEqual(attempts.map((a) => a.status), [307, 307]);
    });

    test('silent receivers delay neither the sandbox clock nor another PoS payment expiry', async (t) => {
      const silent = await Promise.all([0, 1, 2].map(() => receiver(t)));
      const { app, platform, token } = await setUp(t, endpoint.url('/unused'));
      for (const [i, target] of silent.entries()) {
        target.answer = 'hold';
        await platform.onboarding.upsertCallbackAlias('Kasse ApS', `silent-${i}`, target.url());
        for (const till of [0, 1]) {
          const pos = await createPos(app, token, { callbackAlias: `silent-${i}`, merchantPosId: `silent-${i}-${till}` });
          assert.equal((await simulate(app, token, 'checkin', { beaconId: pos.beaconId, phoneNumber: USERS.credit })).statusCode, 200);
        }
      }
      await waitFor(() => silent.every((target) => target.open.now === 2), 'the silent receivers to hold two requests each');

      // Another integrator's payment, due to be cancelled for inactivity after 5 minutes.
      const other = await tokenFor(app, CLIENT_2, MERCHANT_B);
      const otherPos = await createPos(app, other, { storeId: STORE_B1 }, { vat: MERCHANT_B });
      const paymentId = await initiated(app, other, otherPos.posId, {}, { vat: MERCHANT_B });
      await advanceClock(app, platform.adminToken, 5 * MINUTE + SECOND);

      assert.equal((await getPayment(app, other, paymentId, { vat: MERCHANT_B })).status, 'CancelledByMobilePay');
      assert.deepEqual(
        silent.map((target) => [target.open.now, target.aborted]),
        [
          [2, 0],
          [2, 0],
          [2, 0],
        ],
        'the clock answered while every silent receiver still held its requests',
      );
    });

    /** Queues `count` notifications to each held receiver, then answers their requests one at a time until all are delivered. */
    async function deliverAllHeld(platform: Platform, targets: Receiver[], count: number, inFlight: () => number, bound: number): Promise<void> {
      for (const target of targets) {
        target.answer = 'hold';
        for (let i = 0; i < count; i++) await queue(platform, target.url());
      }
      platform.deliveries.wake();
      await waitFor(() => inFlight() === bound, `${bound} deliveries in flight`);
      // Each answer makes room for the next delivery.
      for (let answered = 0; answered < targets.length * count; answered++) {
        await waitFor(() => targets.some((target) => target.held > 0), 'a held request');
        targets.find((target) => target.held > 0)!.answerOne(200);
      }
      await waitFor(async () => (await notifications(platform)).every((n) => n.delivered_at !== null), 'every notification delivered');
      await deliveriesSettled(platform);
      assert.deepEqual(targets.map((target) => target.received.length), targets.map(() => count));
    }

    test('deliveries to one receiver run concurrently, up to the bound per receiver and not beyond', async (t) => {
      const target = await receiver(t);
      const { platform } = await setUp(t, endpoint.url('/unused'), { deliveryLimits: { perReceiver: 3 } });
      await deliverAllHeld(platform, [target], 7, () => target.open.now, 3);
      assert.equal(target.open.max, 3);
    });

    test('deliveries to several receivers run concurrently, up to the bound in all and not beyond', async (t) => {
      const all = new OpenCount();
      const targets = [await receiver(t, all), await receiver(t, all)];
      const { platform } = await setUp(t, endpoint.url('/unused'), { deliveryLimits: { perReceiver: 2, total: 3 } });
      await deliverAllHeld(platform, targets, 4, () => all.now, 3);
      assert.equal(all.max, 3);
      assert.ok(targets.every((target) => target.open.max <= 2), 'and per receiver not beyond its bound');
    });

    test('stopping the platform aborts a hanging delivery at once, and the next platform on the database sends it', async (t) => {
      const database = persistentDatabase(engine);
      t.after(() => dropDatabase(database));
      const hanging = await receiver(t);
      hanging.answer = 'hold';
      const first = await setUp(t, hanging.url(), { database, keepDatabase: true });
      const pos = await createPos(first.app, first.token, { callbackAlias: 'kasse-notify' });
      await simulate(first.app, first.token, 'checkin', { beaconId: pos.beaconId, phoneNumber: USERS.credit });
      await waitFor(() => hanging.open.now === 1, 'the delivery to reach the receiver');

      await first.app.close();
      await first.platform.close();
      assert.equal(hanging.held, 1, 'the platform stopped while the receiver still held the request unanswered');
      await waitFor(() => hanging.aborted === 1, 'the receiver to see the connection aborted');

      hanging.answer = 200;
      const second = await startPlatform(t, engine, { database, time: first.time });
      const [pending] = await notifications(second.platform);
      assert.deepEqual([pending?.attempts, pending?.lease_token, pending?.delivered_at], [0, null, null], 'the aborted attempt is not counted');
      second.platform.deliveries.wake();
      await deliveriesSettled(second.platform);
      assert.equal(hanging.received.length, 2);
      const attempts = await notificationsRepository.listAttempts(second.platform.db, pending!.notification_id);
      assert.deepEqual(attempts.map((a) => [a.attempt, a.status]), [[1, 200]]);
    });

    test('an attempt whose process died is made by another once its lease has run out', async (t) => {
      const target = await receiver(t);
      const { platform, time } = await setUp(t, target.url());
      const id = await queue(platform, target.url());
      const at = { now: platform.clock.now(), wallNow: platform.clock.wallNow() };
      assert.ok(await notificationsRepository.claim(platform.db, { notificationId: id, attempts: 0 }, at, 'a-process-that-died', at.wallNow + MINUTE));

      platform.deliveries.wake();
      await deliveriesSettled(platform);
      assert.equal(target.received.length, 0, 'a live lease is respected');
      time.advance(MINUTE);
      platform.deliveries.wake();
      await deliveriesSettled(platform);
      assert.equal(target.received.length, 1);
      assert.deepEqual((await notificationsRepository.listAttempts(platform.db, id)).map((a) => [a.attempt, a.status]), [[1, 200]]);
    });

    test('start-up does not wait for deliveries: the background work starts, and /healthz answers, while receivers hold them', async (t) => {
      const silent = await receiver(t);
      silent.answer = 'hold';
      const { app, platform } = await setUp(t, silent.url());
      const ids = [await queue(platform, silent.url()), await queue(platform, silent.url())];
      const background = await startBackgroundWork(platform, (error) => assert.fail(String(error)));
      t.after(() => background.stop());
      const attempts = await Promise.all(ids.map((id) => notificationsRepository.listAttempts(platform.db, id)));
      assert.deepEqual(attempts, [[], []], 'no attempt had ended when start-up finished');
      await waitFor(() => silent.open.now === 2, 'both deliveries to reach the receiver');
      assert.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
      await background.stop();
      await waitFor(() => silent.aborted === 2, 'stopping to abort both');
    });

    test('a notification listing shows each notification with its attempts', async (t) => {
      const target = await receiver(t);
      target.answer = 500;
      const { platform } = await setUp(t, target.url());
      const id = await queue(platform, target.url());
      platform.deliveries.wake();
      await deliveriesSettled(platform);
      const [listed] = await notificationsRepository.listRecent(platform.db, 10);
      assert.equal(listed?.notificationId, id);
      assert.deepEqual(listed?.attemptLog.map((a) => [a.attempt, a.status]), [[1, 500]]);
    });
  });

  describe(`callback URLs in production mode (${engine})`, () => {
    const production = (t: TestContext) => startPlatform(t, engine, { seed: TEST_SEED, env: { SANDBOX: 'false' } });

    test('registration refuses http:// and hosts that are or resolve to non-public addresses, naming the rule', async (t) => {
      const { platform } = await production(t);
      const refusals: [string, RegExp][] = [
        ['http://pos.example/notify', /must be https:\/\//],
        ['https://127.0.0.1/notify', /host 127\.0\.0\.1 is a loopback address/],
        ['https://10.1.2.3/notify', /host 10\.1\.2\.3 is a private \(10\/8, 172\.16\/12, 192\.168\/16\) address/],
        ['https://172.16.0.9/notify', /private/],
        ['https://192.168.1.1/notify', /private/],
        ['https://100.64.0.1/notify', /carrier-grade NAT \(100\.64\/10\)/],
        ['https://169.254.169.254/latest', /link-local/],
        ['https://[fe80::1]/notify', /link-local/],
        ['https://[fd12::1]/notify', /unique-local \(fc00::\/7\)/],
        ['https://0.0.0.0/notify', /unspecified/],
        ['https://[::]/notify', /unspecified/],
        ['https://224.0.0.1/notify', /multicast/],
        ['https://[::ffff:127.0.0.1]/notify', /loopback/],
        ['https://[::ffff:10.0.0.1]/notify', /private/],
        ['https://localhost/notify', /host localhost resolves to (127\.0\.0\.1|::1), a loopback address/],
      ];
      for (const [url, rule] of refusals) {
        await assert.rejects(platform.onboarding.upsertCallbackAlias('Kasse ApS', 'kasse-notify', url), rule, url);
      }
      await platform.onboarding.upsertCallbackAlias('Kasse ApS', 'kasse-notify', 'https://93.184.215.14/notify');
      assert.equal((await platform.db.selectFrom('callback_aliases').select('url').executeTakeFirstOrThrow()).url, 'https://93.184.215.14/notify');
    });

    test('a delivery to a host that now resolves to a non-public address is refused as it connects, and recorded', async (t) => {
      const { platform } = await production(t);
      const target = await receiver(t);
      let connections = 0;
      target.onConnection(() => connections++);
      // Straight into the database, as if the name had resolved elsewhere when it was registered.
      const byName = await queue(platform, `https://localhost:${target.port}/notify`);
      const byAddress = await queue(platform, `https://127.0.0.1:${target.port}/notify`);
      const plain = await queue(platform, `http://93.184.215.14/notify`);
      platform.deliveries.wake();
      await deliveriesSettled(platform);

      assert.equal(connections, 0, 'the receiver got no connection');
      const errorOf = async (id: string) => (await notificationsRepository.listAttempts(platform.db, id)).map((a) => [a.status, a.error]);
      assert.match(String((await errorOf(byName))[0]?.[1]), /^refused: host localhost resolves to (127\.0\.0\.1|::1), a loopback address/);
      assert.deepEqual(await errorOf(byAddress), [[null, 'refused: host 127.0.0.1 is a loopback address (production mode delivers only to public addresses)']]);
      assert.deepEqual(await errorOf(plain), [[null, 'refused: must be https:// (production mode delivers only to public addresses)']]);
    });
  });
}

describe('several platforms on one PostgreSQL', () => {
  test('each notification is delivered once, whichever platform claims it', async (t) => {
    const target = await receiver(t);
    const database = freshDatabase('postgres');
    t.after(() => dropDatabase(database));
    const one = await startPlatform(t, 'postgres', { seed: TEST_SEED, database, keepDatabase: true });
    const two = await startPlatform(t, 'postgres', { database, time: one.time, keepDatabase: true });
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push(await queue(one.platform, target.url()));
    one.platform.deliveries.wake();
    two.platform.deliveries.wake();
    await Promise.all([deliveriesSettled(one.platform), deliveriesSettled(two.platform)]);

    const bodies = target.received.map((r) => JSON.stringify(r.body));
    assert.equal(bodies.length, 12);
    assert.equal(new Set(bodies).size, 12, 'no notification was sent twice');
    const attempts = await one.platform.db.selectFrom('notification_attempts').select(['attempt', 'status']).execute();
    assert.deepEqual(attempts.map((a) => [a.attempt, a.status]), Array(12).fill([1, 200]));
  });
});
