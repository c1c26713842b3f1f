import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { CLIENT_1, CLIENT_2, MERCHANT_A, MERCHANT_B, STORE_A1, TEST_SEED, tokenFor, v10 } from '../helpers/fixtures.js';
import { capturedPayment, createPos, getPayment, initiated, unique } from '../helpers/flows.js';
import { ENGINES, startPlatform } from '../helpers/platform.js';
import { DAY } from '../../src/domain/durations.js';
import { RequestLog, type LoggedCall } from '../../src/services/request-log.js';
import { requestLogRepository } from '../../src/store/repositories/request-log.js';

/** A call as the HTTP layer hands it to the log, for tests that record without HTTP. */
const loggedCall = (overrides: Partial<LoggedCall>): LoggedCall => ({
  at: 0,
  callOrder: 0,
  clientId: CLIENT_1.clientId,
  integratorId: 'i-1',
  merchantVat: MERCHANT_A,
  systemName: null,
  systemVersion: '1.2.3',
  method: 'GET',
  route: '/pos/v10/stores',
  path: '/pos/v10/stores',
  resourceId: null,
  status: 200,
  v10Code: null,
  idempotencyKey: null,
  correlationId: 'c-1',
  ibmClientId: null,
  latencyMs: 1,
  polledTooSoon: false,
  amountAsString: false,
  ...overrides,
});

for (const engine of ENGINES) {
  describe(`request log (${engine})`, () => {
    test('records every /pos/v10 call per client with method, route, status, latency, correlation id, key and x-ibm-client-id', async (t) => {
      const { app, platform } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      const key = unique();
      const ibmClientId = 'f3b4c2d1-0000-4000-8000-00000000a11c'; // a legacy portal application id: kept, never checked
      const started = performance.now(); // the platform runs in this process: one clock for both
      const refused = await v10(app, 'POST', '/payments', { token, idempotencyKey: key, headers: { 'x-ibm-client-id': ibmClientId } }, { posId: '0a000000-0000-4000-8000-00000000ffff', orderId: 'o-1', amount: 1, currencyCode: 'DKK', plannedCaptureDelay: 'None' });
      const elapsed = performance.now() - started;
      assert.equal(refused.statusCode, 409);
      await v10(app, 'GET', '/stores', { token: await tokenFor(app, CLIENT_2) });
      await v10(app, 'GET', '/stores', { token: 'not-a-token' }); // no client to file a 401 under

      const calls = await platform.requestLog.recent({ clientId: CLIENT_1.clientId, limit: 10 });
      assert.equal(calls.length, 1);
      const [call] = calls;
      const integratorId = (await platform.db.selectFrom('clients').select('integrator_id').where('client_id', '=', CLIENT_1.clientId).executeTakeFirstOrThrow()).integrator_id;
      assert.deepEqual(
        { ...call, at: typeof call?.at, call_order: typeof call?.call_order, latency_ms: typeof call?.latency_ms },
        {
          at: 'number',
          call_order: 'number',
          client_id: CLIENT_1.clientId,
          integrator_id: integratorId,
          merchant_vat: MERCHANT_A,
          system_name: null,
          system_version: '1.2.3',
          method: 'POST',
          route: '/pos/v10/payments',
          path: '/pos/v10/payments',
          resource_id: null,
          status: 409,
          v10_code: refused.json<{ code: string }>().code,
          idempotency_key: key,
          correlation_id: refused.headers['x-correlation-id'],
          ibm_client_id: ibmClientId,
          latency_ms: 'number',
          polled_too_soon: 0,
          amount_as_string: 0,
        },
      );
      assert.ok(call!.latency_ms > 0 && call!.latency_ms <= elapsed, `the call's own latency, ms: ${call!.latency_ms} of ${elapsed}`);
      assert.equal((await platform.requestLog.recent({ clientId: CLIENT_2.clientId, limit: 10 })).length, 1);
    });

    test('flags a poll of a payment, refund or check-in sooner than pollDelayInMs, per resource, and nothing else', async (t) => {
      const { app, platform, time } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      const paymentId = await capturedPayment(app, token);
      const pos = await createPos(app, token);
      const poll = () => getPayment(app, token, paymentId);
      const pollCheckin = () => v10(app, 'GET', `/pointofsales/${pos.posId}/checkin`, { token });

      await poll();
      time.advance(1000); // exactly the delay given: in time
      await poll();
      time.advance(400);
      await poll(); // too soon
      await pollCheckin(); // another resource: its first poll
      await pollCheckin(); // too soon
      await v10(app, 'GET', '/stores', { token });
      await v10(app, 'GET', '/stores', { token }); // not a polling endpoint

      const flagged = await platform.requestLog.recent({ clientId: CLIENT_1.clientId, limit: 100, onlyPolledTooSoon: true });
      assert.deepEqual(
        flagged.map((c) => c.path),
        [`/pos/v10/pointofsales/${pos.posId}/checkin`, `/pos/v10/payments/${paymentId}`],
      );
    });

    test('reads a client\'s recent calls newest first across many written batches, up to the limit', async (t) => {
      const { app, platform, time } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      for (let flush = 0; flush < 25; flush++) {
        for (let call = 0; call < 2; call++) {
          time.advance(1);
          await v10(app, 'GET', `/stores?n=${flush * 2 + call}`, { token });
        }
        await platform.requestLog.flush();
      }
      const calls = await platform.requestLog.recent({ clientId: CLIENT_1.clientId, limit: 45 });
      assert.equal(calls.length, 45);
      const times = calls.map((c) => c.at);
      assert.deepEqual(times, [...times].sort((a, b) => b - a), 'newest first');
      assert.equal(new Set(times).size, 45, 'each call once');
      assert.equal((await platform.requestLog.recent({ clientId: CLIENT_1.clientId, limit: 1000 })).length, 50);
    });

    test('a batch of calls to several endpoints reads back call by call, in order', async (t) => {
      const { app, platform, time } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      const pos = await createPos(app, token);
      await platform.requestLog.flush(); // only the calls below in the next batch
      const sent: Array<[method: string, path: string, statusCode: number]> = [];
      const codes: Array<string | null> = [];
      const call = async (method: 'GET' | 'DELETE', path: string) => {
        time.advance(7);
        const response = await v10(app, method, path, { token });
        sent.push([method, `/pos/v10${path}`, response.statusCode]);
        codes.push(response.statusCode === 200 ? null : response.json<{ code: string }>().code);
      };
      await call('GET', `/pointofsales/${pos.posId}`);
      await call('GET', '/stores');
      await call('DELETE', `/pointofsales/${pos.posId}`); // the same path as the first under another method
      await call('GET', `/pointofsales/${pos.posId}`);
      await platform.requestLog.flush();

      const calls = (await platform.requestLog.recent({ clientId: CLIENT_1.clientId, limit: 4 })).reverse();
      assert.deepEqual(calls.map((c) => [c.method, c.path, c.status]), sent);
      assert.deepEqual(calls.map((c) => c.route), ['/pos/v10/pointofsales/:posid', '/pos/v10/stores', '/pos/v10/pointofsales/:posid', '/pos/v10/pointofsales/:posid']);
      assert.deepEqual(calls.map((c) => c.resource_id), [pos.posId, null, pos.posId, pos.posId]);
      assert.deepEqual(calls.map((c) => c.v10_code), codes);
      assert.notEqual(codes[3], null, 'the PoS is gone: an error code');
      assert.deepEqual(calls.map((c) => c.at - calls[0]!.at), [0, 7, 14, 21]);
      assert.equal(new Set(calls.map((c) => c.correlation_id)).size, 4);
    });

    test('a flush that fails keeps its calls: the next flush writes them, before those recorded since', async (t) => {
      const { app, platform } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      await sql`alter table request_log rename to request_log_away`.execute(platform.db);
      await v10(app, 'GET', '/stores', { token });
      await assert.rejects(platform.requestLog.flush());
      await sql`alter table request_log_away rename to request_log`.execute(platform.db);
      await v10(app, 'GET', '/stores/detailed', { token });
      await platform.requestLog.flush();
      const calls = await platform.requestLog.recent({ clientId: CLIENT_1.clientId, limit: 10 });
      assert.deepEqual(calls.map((c) => c.path), ['/pos/v10/stores/detailed', '/pos/v10/stores']);
    });

    test('while flushes fail, the unwritten calls are bounded: the oldest are dropped and counted', async (t) => {
      const { platform, time } = await startPlatform(t, engine, { seed: TEST_SEED });
      const dropped: number[] = [];
      const log = new RequestLog(platform.db, platform.clock, 1000, (calls) => dropped.push(calls), 3);
      const record = (path: string) => {
        time.advance(1);
        log.record(loggedCall({ path }));
      };
      await sql`alter table request_log rename to request_log_away`.execute(platform.db);
      record('/1');
      record('/2');
      await assert.rejects(log.flush());
      record('/3');
      record('/4');
      await assert.rejects(log.flush());
      assert.deepEqual(dropped, [1]);
      await sql`alter table request_log_away rename to request_log`.execute(platform.db);
      await log.flush();
      const calls = await log.recent({ clientId: CLIENT_1.clientId, limit: 10 });
      assert.deepEqual(calls.map((c) => c.path), ['/4', '/3', '/2']);
    });

    test('writes a flush of any size, in statements of a few fixed sizes', async (t) => {
      const { platform, time } = await startPlatform(t, engine, { seed: TEST_SEED });
      for (let i = 0; i < 1234; i++) {
        if (i % 100 === 0) time.advance(1);
        platform.requestLog.record(loggedCall({ path: `/${i}` }));
      }
      const calls = await platform.requestLog.recent({ clientId: CLIENT_1.clientId, limit: 2000 });
      assert.equal(calls.length, 1234);
      assert.deepEqual(calls.map((c) => c.path), Array.from({ length: 1234 }, (_, i) => `/${1233 - i}`), 'newest first, within a millisecond too');
    });

    test('keeps calls for 14 days', async (t) => {
      const { app, platform, time } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      await v10(app, 'GET', '/stores', { token });
      await platform.requestLog.flush();
      time.advance(13 * DAY);
      assert.equal(await platform.requestLog.purgeExpired(), 0);
      time.advance(2 * DAY);
      assert.equal(await platform.requestLog.purgeExpired(), 1);
      assert.deepEqual(await platform.requestLog.recent({ clientId: CLIENT_1.clientId, limit: 10 }), []);
    });

    test('purges in batches, a millisecond never split, and keeps what is younger', async (t) => {
      const { platform, time } = await startPlatform(t, engine, { seed: TEST_SEED });
      // 6000 old calls, 3500 of them in one millisecond across the first batch's end; then 2 younger.
      for (let i = 0; i < 6000; i++) {
        if (i === 2000 || i === 5500) time.advance(1);
        platform.requestLog.record(loggedCall({ path: `/old/${i}` }));
      }
      time.advance(DAY);
      platform.requestLog.record(loggedCall({ path: '/young/1', clientId: CLIENT_2.clientId }));
      platform.requestLog.record(loggedCall({ path: '/young/2' }));
      await platform.requestLog.flush();
      time.advance(14 * DAY - 1);
      assert.equal(await platform.requestLog.purgeExpired(), 6000);
      assert.deepEqual((await platform.requestLog.recent({ clientId: CLIENT_1.clientId, limit: 10 })).map((c) => c.path), ['/young/2']);
      assert.deepEqual((await platform.requestLog.recent({ clientId: CLIENT_2.clientId, limit: 10 })).map((c) => c.path), ['/young/1']);
    });
  });
}

for (const engine of ENGINES) {
  describe(`request log questions (${engine})`, () => {
    test("a client's calls for one merchant in a time window, by idempotency key, and its polls too soon by resource", async (t) => {
      const { app, platform, time } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      await v10(app, 'GET', '/stores', { token }); // before the window
      time.advance(1000);
      const from = platform.clock.wallNow();

      const posKey = unique();
      const posBody = { merchantPosId: unique('till'), storeId: STORE_A1, name: 'Till', supportedBeaconTypes: ['QR'] };
      const created = await v10(app, 'POST', '/pointofsales', { token, idempotencyKey: posKey }, posBody);
      const { posId } = created.json<{ posId: string }>();
      time.advance(10);
      assert.equal((await v10(app, 'POST', '/pointofsales', { token, idempotencyKey: posKey }, posBody)).statusCode, 200, 'a retry: replayed');
      time.advance(10);
      const reused = await v10(app, 'POST', '/pointofsales', { token, idempotencyKey: posKey }, { ...posBody, name: 'Other' });
      assert.equal(reused.statusCode, 409);
      time.advance(10);
      await v10(app, 'GET', '/stores', { token, vat: MERCHANT_B }); // another merchant's
      time.advance(10);
      const paymentKey = unique();
      const paymentId = await initiated(app, token, posId, {}, { idempotencyKey: paymentKey });
      time.advance(10);
      await getPayment(app, token, paymentId);
      time.advance(10);
      await getPayment(app, token, paymentId); // too soon
      time.advance(10);
      await getPayment(app, token, paymentId); // too soon
      await v10(app, 'GET', `/pointofsales/${posId}/checkin`, { token });
      time.advance(10);
      await v10(app, 'GET', `/pointofsales/${posId}/checkin`, { token }); // too soon
      const to = platform.clock.wallNow() + 1;
      time.advance(1000);
      await v10(app, 'GET', '/stores', { token }); // after the window
      await platform.requestLog.flush();

      const window = { clientId: CLIENT_1.clientId, merchantVat: MERCHANT_A, from, to };
      const calls = await requestLogRepository.inWindow(platform.db, window);
      assert.deepEqual(
        calls.map((c) => [c.method, c.route, c.resource_id, c.status, c.v10_code]),
        [
          ['POST', '/pos/v10/pointofsales', posId, 200, null],
          ['POST', '/pos/v10/pointofsales', posId, 200, null],
          ['POST', '/pos/v10/pointofsales', null, 409, reused.json<{ code: string }>().code],
          ['POST', '/pos/v10/payments', paymentId, 200, null],
          ['GET', '/pos/v10/payments/:paymentid', paymentId, 200, null],
          ['GET', '/pos/v10/payments/:paymentid', paymentId, 200, null],
          ['GET', '/pos/v10/payments/:paymentid', paymentId, 200, null],
          ['GET', '/pos/v10/pointofsales/:posid/checkin', posId, 200, null],
          ['GET', '/pos/v10/pointofsales/:posid/checkin', posId, 200, null],
        ],
      );
      assert.deepEqual(await requestLogRepository.inWindow(platform.db, { ...window, merchantVat: MERCHANT_B }).then((c) => c.map((call) => call.path)), ['/pos/v10/stores']);

      assert.deepEqual(await requestLogRepository.byIdempotencyKey(platform.db, window), [
        { idempotencyKey: posKey, route: '/pos/v10/pointofsales', calls: 3, firstAt: from, lastAt: from + 20, statuses: { 200: 2, 409: 1 } },
        { idempotencyKey: paymentKey, route: '/pos/v10/payments', calls: 1, firstAt: from + 40, lastAt: from + 40, statuses: { 200: 1 } },
      ]);

      assert.deepEqual(await requestLogRepository.pollsTooSoon(platform.db, window), [
        { route: '/pos/v10/payments/:paymentid', resourceId: paymentId, tooSoon: 2, firstAt: from + 60, lastAt: from + 70 },
        { route: '/pos/v10/pointofsales/:posid/checkin', resourceId: posId, tooSoon: 1, firstAt: from + 80, lastAt: from + 80 },
      ]);
      assert.deepEqual(await requestLogRepository.pollsTooSoon(platform.db, { ...window, to: from + 60 }), []);
    });
  });
}
