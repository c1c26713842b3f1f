import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { MERCHANT_A, TEST_SEED, tokenFor } from '../helpers/fixtures.js';
import { advanceClock, createPos, initiated, simulate, USERS } from '../helpers/flows.js';
import { ENGINES, startPlatform } from '../helpers/platform.js';

/** An integrator's callback endpoint on loopback: records what it receives, answers the status it is told to. */
class CallbackEndpoint {
  readonly received: { path: string; contentType: string | undefined; body: unknown }[] = [];
  answer = 200;
  #server: Server = createServer((request: IncomingMessage, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      this.received.push({ path: request.url ?? '', contentType: request.headers['content-type'], body: JSON.parse(body) });
      response.writeHead(this.answer).end();
    });
  });

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
  }

  url(path: string): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}${path}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}

const endpoint = new CallbackEndpoint();
before(() => endpoint.start());
after(() => endpoint.stop());

for (const engine of ENGINES) {
  describe(`check-in notifications (${engine})`, () => {
    async function setUp(t: Parameters<typeof startPlatform>[0], path: string) {
      const started = await startPlatform(t, engine, { seed: TEST_SEED });
      await started.platform.onboarding.upsertCallbackAlias('Kasse ApS', 'kasse-notify', endpoint.url(path));
      const token = await tokenFor(started.app);
      return { ...started, token };
    }
    const received = (path: string) => endpoint.received.filter((r) => r.path === path);

    test('a check-in on a PoS with a registered alias POSTs the merchant and PoS ids to its URL', async (t) => {
      const { app, platform, token } = await setUp(t, `/notify-${engine}-1`);
      const pos = await createPos(app, token, { callbackAlias: 'kasse-notify', merchantPosId: 'till-notify' });
      const silent = await createPos(app, token); // no alias: no notification
      const unregistered = await createPos(app, token, { callbackAlias: 'nobody-registered-this' });
      for (const beaconId of [pos.beaconId, silent.beaconId, unregistered.beaconId]) {
        assert.equal((await simulate(app, token, 'checkin', { beaconId, phoneNumber: USERS.credit })).statusCode, 200);
      }
      assert.equal((await platform.dueTimers.runDue()).notifications, 1);

      const merchantId = (await platform.db.selectFrom('merchants').select('merchant_id').where('vat_number', '=', MERCHANT_A).executeTakeFirstOrThrow()).merchant_id;
      assert.deepEqual(received(`/notify-${engine}-1`), [
        {
          path: `/notify-${engine}-1`,
          contentType: 'application/json',
          body: { MerchantId: merchantId, MerchantBrandId: 'POSDK11111', MerchantLocationId: '00001', MerchantPosId: 'till-notify', PosId: pos.posId },
        },
      ]);
      assert.equal((await platform.dueTimers.runDue()).notifications, 0, 'a delivered notification is not sent again');
    });

    test('a check-in that pairs with a waiting payment notifies too', async (t) => {
      const { app, platform, token } = await setUp(t, `/notify-${engine}-2`);
      const pos = await createPos(app, token, { callbackAlias: 'kasse-notify' });
      await initiated(app, token, pos.posId);
      await simulate(app, token, 'checkin', { beaconId: pos.beaconId, phoneNumber: USERS.credit });
      await platform.dueTimers.runDue();
      assert.equal(received(`/notify-${engine}-2`).length, 1);
    });

    test('anything but 200 is tried 3 more times on the backoff schedule, then given up', async (t) => {
      const path = `/notify-${engine}-3`;
      const { app, platform, token } = await setUp(t, path);
      endpoint.answer = 500;
      t.after(() => (endpoint.answer = 200));
      const pos = await createPos(app, token, { callbackAlias: 'kasse-notify' });
      await simulate(app, token, 'checkin', { beaconId: pos.beaconId, phoneNumber: USERS.credit });
      await platform.dueTimers.runDue();
      assert.equal(received(path).length, 1);
      await advanceClock(app, platform.adminToken, 9_000); // first retry is due after 10 s
      assert.equal(received(path).length, 1);
      await advanceClock(app, platform.adminToken, 1_000);
      assert.equal(received(path).length, 2);
      await advanceClock(app, platform.adminToken, 60_000);
      assert.equal(received(path).length, 3);
      await advanceClock(app, platform.adminToken, 300_000);
      assert.equal(received(path).length, 4);
      await advanceClock(app, platform.adminToken, 24 * 60 * 60_000);
      assert.equal(received(path).length, 4, 'given up after 4 attempts');
      const row = await platform.db.selectFrom('notifications').selectAll().executeTakeFirstOrThrow();
      assert.equal(row.attempts, 4);
      assert.equal(row.next_attempt_at, null);
      assert.equal(row.delivered_at, null);
      assert.equal(row.last_error, 'answered 500');
    });

    test('a retry that succeeds marks the notification delivered and sends nothing more', async (t) => {
      const path = `/notify-${engine}-4`;
      const { app, platform, token } = await setUp(t, path);
      endpoint.answer = 503;
      t.after(() => (endpoint.answer = 200));
      const pos = await createPos(app, token, { callbackAlias: 'kasse-notify' });
      await simulate(app, token, 'checkin', { beaconId: pos.beaconId, phoneNumber: USERS.credit });
      await platform.dueTimers.runDue();
      endpoint.answer = 200;
      await advanceClock(app, platform.adminToken, 10_000);
      await advanceClock(app, platform.adminToken, 24 * 60 * 60_000);
      assert.equal(received(path).length, 2);
      const row = await platform.db.selectFrom('notifications').selectAll().executeTakeFirstOrThrow();
      assert.equal(row.attempts, 2);
      assert.notEqual(row.delivered_at, null);
    });

    test('an unreachable endpoint counts as a failed attempt', async (t) => {
      const { app, platform, token } = await setUp(t, '/unused');
      await platform.onboarding.upsertCallbackAlias('Kasse ApS', 'kasse-notify', 'http://127.0.0.1:1/notify');
      const pos = await createPos(app, token, { callbackAlias: 'kasse-notify' });
      await simulate(app, token, 'checkin', { beaconId: pos.beaconId, phoneNumber: USERS.credit });
      assert.equal((await platform.dueTimers.runDue()).notifications, 0);
      const row = await platform.db.selectFrom('notifications').selectAll().executeTakeFirstOrThrow();
      assert.equal(row.attempts, 1);
      assert.match(row.last_error ?? '', /fetch failed|ECONNREFUSED/);
    });
  });
}
