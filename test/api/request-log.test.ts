import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { CLIENT_1, CLIENT_2, TEST_SEED, tokenFor, v10 } from '../helpers/fixtures.js';
import { capturedPayment, createPos, getPayment, unique } from '../helpers/flows.js';
import { ENGINES, startPlatform } from '../helpers/platform.js';
import { DAY } from '../../src/domain/durations.js';


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
      assert.deepEqual(
        { ...call, at: typeof call?.at, latency_ms: typeof call?.latency_ms },
        {
          client_id: CLIENT_1.clientId,
          at: 'number',
          method: 'POST',
          route: '/pos/v10/payments',
          path: '/pos/v10/payments',
          status: 409,
          latency_ms: 'number',
          correlation_id: refused.headers['x-correlation-id'],
          idempotency_key: key,
          ibm_client_id: ibmClientId,
          polled_too_soon: 0,
          outside_contract: 0,
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
      const call = async (method: 'GET' | 'DELETE', path: string) => {
        time.advance(7);
        sent.push([method, `/pos/v10${path}`, (await v10(app, method, path, { token })).statusCode]);
      };
      await call('GET', `/pointofsales/${pos.posId}`);
      await call('GET', '/stores');
      await call('DELETE', `/pointofsales/${pos.posId}`); // the same path as the first under another method
      await call('GET', `/pointofsales/${pos.posId}`);
      await platform.requestLog.flush();

      const calls = (await platform.requestLog.recent({ clientId: CLIENT_1.clientId, limit: 4 })).reverse();
      assert.deepEqual(calls.map((c) => [c.method, c.path, c.status]), sent);
      assert.deepEqual(calls.map((c) => c.route), ['/pos/v10/pointofsales/:posid', '/pos/v10/stores', '/pos/v10/pointofsales/:posid', '/pos/v10/pointofsales/:posid']);
      assert.deepEqual(calls.map((c) => c.at - calls[0]!.at), [0, 7, 14, 21]);
      assert.equal(new Set(calls.map((c) => c.correlation_id)).size, 4);
    });

    test('reads a row written before batches were encoded: the calls as tuples', async (t) => {
      const { platform } = await startPlatform(t, engine, { seed: TEST_SEED });
      const tuples = [[1_767_607_200_000, 'GET', '/pos/v10/stores', '/pos/v10/stores', 200, 1.5, 'c-1', null, null, 0]];
      await sql`insert into request_log (client_id, batch_order, calls) values (${CLIENT_1.clientId}, ${1}, ${JSON.stringify(tuples)})`.execute(platform.db);
      assert.deepEqual(await platform.requestLog.recent({ clientId: CLIENT_1.clientId, limit: 10 }), [
        { client_id: CLIENT_1.clientId, at: 1_767_607_200_000, method: 'GET', route: '/pos/v10/stores', path: '/pos/v10/stores', status: 200, latency_ms: 1.5, correlation_id: 'c-1', idempotency_key: null, ibm_client_id: null, polled_too_soon: 0, outside_contract: 0 },
      ]);
    });

    test('reads a batch written before calls were flagged outside the contract: within it', async (t) => {
      const { platform } = await startPlatform(t, engine, { seed: TEST_SEED });
      const batch = { since: 1_767_607_200_000, endpoints: [['POST', '/pos/v10/payments', '/pos/v10/payments']], calls: [[0, 0, 200, 2.5, 'c-1', 'k-1', null, 0], [5, 0, 409, 1, 'c-2', 'k-2', null, 0]] };
      await sql`insert into request_log (client_id, batch_order, calls) values (${CLIENT_1.clientId}, ${1}, ${JSON.stringify(batch)})`.execute(platform.db);
      const calls = await platform.requestLog.recent({ clientId: CLIENT_1.clientId, limit: 10 });
      assert.deepEqual(calls.map((c) => [c.correlation_id, c.at, c.status, c.polled_too_soon, c.outside_contract]), [
        ['c-2', 1_767_607_200_005, 409, 0, 0],
        ['c-1', 1_767_607_200_000, 200, 0, 0],
      ]);
    });

    test('a flush that fails does not stop the later ones', async (t) => {
      const { app, platform } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      await sql`alter table request_log rename to request_log_away`.execute(platform.db);
      await v10(app, 'GET', '/stores', { token });
      await assert.rejects(platform.requestLog.flush());
      await sql`alter table request_log_away rename to request_log`.execute(platform.db);
      await v10(app, 'GET', '/stores/detailed', { token });
      await platform.requestLog.flush();
      const calls = await platform.requestLog.recent({ clientId: CLIENT_1.clientId, limit: 10 });
      assert.deepEqual(calls.map((c) => c.path), ['/pos/v10/stores/detailed']);
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
  });
}
