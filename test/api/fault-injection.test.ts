import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { CLIENT_1, CLIENT_2, STORE_A1, TEST_SEED, tokenFor, v10, v10Headers } from '../helpers/fixtures.js';
import { unique } from '../helpers/flows.js';
import { ENGINES, dropDatabase, eventually, freshDatabase, startPlatform } from '../helpers/platform.js';

const CREATE_POS = 'POST /pos/v10/pointofsales';

const posBody = () => ({ merchantPosId: unique('till'), storeId: STORE_A1, name: 'Till', supportedBeaconTypes: ['QR'] });

function addRule(app: FastifyInstance, adminToken: string, rule: Record<string, unknown>) {
  return app.inject({ method: 'POST', url: '/sandbox/faults', headers: { authorization: `Bearer ${adminToken}` }, payload: rule });
}

async function added(app: FastifyInstance, adminToken: string, rule: Record<string, unknown>): Promise<string> {
  const response = await addRule(app, adminToken, rule);
  assert.equal(response.statusCode, 200, response.body);
  return response.json<{ ruleId: string }>().ruleId;
}

async function posCount(app: FastifyInstance, token: string): Promise<number> {
  const listed = await v10(app, 'GET', `/pointofsales?storeId=${STORE_A1}`, { token });
  assert.equal(listed.statusCode, 200, listed.body);
  return listed.json<{ posIds: string[] }>().posIds.length;
}

for (const engine of ENGINES) {
  describe(`fault injection (${engine})`, () => {
    test('late: the work is done and the answer arrives after the delay', async (t) => {
      const { app, platform } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      await added(app, platform.adminToken, { clientId: CLIENT_1.clientId, route: CREATE_POS, attempt: 1, kind: 'late', delayMs: 300 });
      const started = Date.now();
      const created = await v10(app, 'POST', '/pointofsales', { token, idempotencyKey: unique() }, posBody());
      assert.ok(Date.now() - started >= 290, `answered after ${Date.now() - started} ms`);
      assert.equal(created.statusCode, 200, created.body);
      assert.equal(await posCount(app, token), 1);
    });

    test('error-after: a 500 once the work is done; a retry with the same key answers the same PoS', async (t) => {
      const { app, platform } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      await added(app, platform.adminToken, { clientId: CLIENT_1.clientId, route: CREATE_POS, attempt: 1, kind: 'error-after' });
      const key = unique();
      const body = posBody();
      const failed = await v10(app, 'POST', '/pointofsales', { token, idempotencyKey: key }, body);
      assert.equal(failed.statusCode, 500);
      assert.equal(failed.json().code, '2000');
      assert.equal(failed.json().correlationId, failed.headers['x-correlation-id']);
      assert.equal(await posCount(app, token), 1);
      const retried = await v10(app, 'POST', '/pointofsales', { token, idempotencyKey: key }, body);
      assert.equal(retried.statusCode, 200, retried.body);
      assert.equal(await posCount(app, token), 1);

      // The request log records what the client got.
      const calls = await platform.requestLog.recent({ clientId: CLIENT_1.clientId, limit: 10 });
      assert.deepEqual(
        calls.filter((call) => call.method === 'POST').map((call) => [call.status, call.v10_code]),
        [
          [200, null],
          [500, '2000'],
        ],
      );
    });

    test('error-before: a 500 and nothing is done', async (t) => {
      const { app, platform } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      await added(app, platform.adminToken, { clientId: CLIENT_1.clientId, route: CREATE_POS, attempt: 1, kind: 'error-before' });
      const failed = await v10(app, 'POST', '/pointofsales', { token, idempotencyKey: unique() }, posBody());
      assert.equal(failed.statusCode, 500);
      assert.equal(failed.json().code, '2000');
      assert.equal(await posCount(app, token), 0);
    });

    test('drop-after: the work is done and the connection closes without an answer', async (t) => {
      const { app, platform } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      await added(app, platform.adminToken, { clientId: CLIENT_1.clientId, route: CREATE_POS, attempt: 1, kind: 'drop-after' });
      await app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = app.server.address() as { port: number };
      const call = fetch(`http://127.0.0.1:${port}/pos/v10/pointofsales`, {
        method: 'POST',
        headers: v10Headers({ token, idempotencyKey: unique() }, true),
        body: JSON.stringify(posBody()),
      });
      await assert.rejects(call, TypeError);
      assert.equal(await posCount(app, token), 1);
    });

    test('a rule hits only the Nth call of its client to its route, and nobody else', async (t) => {
      const { app, platform } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      const other = await tokenFor(app, CLIENT_2);
      await added(app, platform.adminToken, { clientId: CLIENT_1.clientId, route: CREATE_POS, attempt: 2, kind: 'error-before' });
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await v10(app, 'POST', '/pointofsales', { token, idempotencyKey: unique() }, posBody())).statusCode);
      assert.deepEqual(statuses, [200, 500, 200]);
      assert.equal((await v10(app, 'POST', '/pointofsales', { token: other, idempotencyKey: unique() }, posBody())).statusCode, 200);
      assert.equal(await posCount(app, token), 2);

      const listed = await app.inject({ method: 'GET', url: '/sandbox/faults', headers: { authorization: `Bearer ${platform.adminToken}` } });
      assert.equal(listed.statusCode, 200);
      assert.deepEqual(
        listed.json().rules.map((rule: Record<string, unknown>) => [rule.route, rule.attempt, rule.callsSeen, rule.origin]),
        [[CREATE_POS, 2, 2, 'operator']],
      );
    });

    test('onboarding (SPEC §10.1): a late first create and a 500 on the retry still end with exactly one PoS', async (t) => {
      const { app, platform } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      await added(app, platform.adminToken, { clientId: CLIENT_1.clientId, route: CREATE_POS, attempt: 1, kind: 'late', delayMs: 400 });
      await added(app, platform.adminToken, { clientId: CLIENT_1.clientId, route: CREATE_POS, attempt: 2, kind: 'error-after' });
      const key = unique();
      const body = posBody();
      const create = () => v10(app, 'POST', '/pointofsales', { token, idempotencyKey: key }, body);
      // The client gives up on the first attempt before its answer comes, and retries with the same key.
      const first = create();
      await new Promise((resolve) => setTimeout(resolve, 100));
      const second = await create();
      assert.equal(second.statusCode, 500);
      const third = await create();
      assert.equal(third.statusCode, 200, third.body);
      assert.equal((await first).json().posId, third.json().posId);
      assert.equal(await posCount(app, token), 1);
    });

    test('the admin endpoints refuse bad rules and remove rules', async (t) => {
      const { app, platform } = await startPlatform(t, engine, { seed: TEST_SEED });
      const admin = platform.adminToken;
      const rule = { clientId: CLIENT_1.clientId, route: CREATE_POS, attempt: 1, kind: 'error-before' };
      assert.equal((await addRule(app, 'wrong', rule)).statusCode, 401);
      assert.equal((await addRule(app, admin, { ...rule, clientId: 'nobody' })).statusCode, 400);
      assert.equal((await addRule(app, admin, { ...rule, route: 'POST /pos/v10/nothing' })).statusCode, 400);
      assert.equal((await addRule(app, admin, { ...rule, attempt: 0 })).statusCode, 400);
      assert.equal((await addRule(app, admin, { ...rule, kind: 'late', delayMs: 30_001 })).statusCode, 400);
      assert.equal((await addRule(app, admin, { ...rule, kind: 'slow' })).statusCode, 400);

      const ruleId = await added(app, admin, rule);
      const remove = () => app.inject({ method: 'DELETE', url: `/sandbox/faults/${ruleId}`, headers: { authorization: `Bearer ${admin}` } });
      assert.equal((await remove()).statusCode, 200);
      assert.equal((await remove()).statusCode, 404);
      const token = await tokenFor(app);
      assert.equal((await v10(app, 'POST', '/pointofsales', { token, idempotencyKey: unique() }, posBody())).statusCode, 200);
    });
  });
}

describe('fault rules on several processes sharing one PostgreSQL', () => {
  test('a rule made through one process applies in another, which counts the calls with it', async (t) => {
    const database = freshDatabase('postgres');
    const a = await startPlatform(t, 'postgres', { seed: TEST_SEED, database, keepDatabase: true });
    const b = await startPlatform(t, 'postgres', { database, keepDatabase: true });
    t.after(() => dropDatabase(database));
    const token = await tokenFor(a.app);

    await added(a.app, a.platform.adminToken, { clientId: CLIENT_1.clientId, route: CREATE_POS, attempt: 2, kind: 'error-before' });
    assert.ok(await eventually(async () => b.platform.faults.rulesFor(CLIENT_1.clientId, CREATE_POS) !== undefined));
    assert.equal((await v10(a.app, 'POST', '/pointofsales', { token, idempotencyKey: unique() }, posBody())).statusCode, 200);
    assert.equal((await v10(b.app, 'POST', '/pointofsales', { token, idempotencyKey: unique() }, posBody())).statusCode, 500);
    assert.equal((await v10(a.app, 'POST', '/pointofsales', { token, idempotencyKey: unique() }, posBody())).statusCode, 200);
  });
});
