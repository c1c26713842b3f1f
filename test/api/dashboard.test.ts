import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { CLIENT_2, TEST_SEED, tokenFor, v10 } from '../helpers/fixtures.js';
import { assertError, createPos, getPayment, initiated } from '../helpers/flows.js';
import { ENGINES, startPlatform } from '../helpers/platform.js';

function calls(app: FastifyInstance, token: string | null, query = '') {
  return app.inject({ method: 'GET', url: `/dashboard/api/calls${query}`, headers: token === null ? {} : { authorization: `Bearer ${token}` } });
}

for (const engine of ENGINES) {
  describe(`integrator dashboard API (${engine})`, () => {
    test("shows the calling client its own calls, newest first, with the polls that came too soon flagged", async (t) => {
      const { app, time } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      const pos = await createPos(app, token);
      const paymentId = await initiated(app, token, pos.posId);
      await getPayment(app, token, paymentId);
      time.advance(300);
      const tooSoon = await v10(app, 'GET', `/payments/${paymentId}`, { token });
      await v10(app, 'GET', '/stores', { token: await tokenFor(app, CLIENT_2) }); // another client's

      const response = await calls(app, token);
      assert.equal(response.statusCode, 200, response.body);
      const body = response.json<{ clientId: string; calls: Array<Record<string, unknown>> }>();
      assert.equal(body.clientId, 'kasse-pos');
      assert.deepEqual(
        body.calls.map((c) => `${c.method} ${c.route} ${c.status}${c.polledTooSoon ? ' too soon' : ''}`),
        [
          'GET /pos/v10/payments/:paymentid 200 too soon',
          'GET /pos/v10/payments/:paymentid 200',
          'POST /pos/v10/payments 200',
          'GET /pos/v10/pointofsales/:posid 200',
          'POST /pos/v10/pointofsales 200',
        ],
      );
      const [newest] = body.calls;
      assert.equal(newest!.path, `/pos/v10/payments/${paymentId}`);
      assert.equal(newest!.correlationId, tooSoon.headers['x-correlation-id']);
      assert.equal(newest!.idempotencyKey, null);
      assert.equal(typeof newest!.latencyMs, 'number');
      assert.ok(!Number.isNaN(Date.parse(newest!.at as string)));
      assert.equal(typeof body.calls[2]!.idempotencyKey, 'string', 'the key of the creating POST');

      const flagged = (await calls(app, token, '?tooSoon=true')).json<{ calls: unknown[] }>().calls;
      assert.equal(flagged.length, 1);
      assert.equal((await calls(app, token, '?limit=2')).json<{ calls: unknown[] }>().calls.length, 2);
    });

    test('needs a valid access token (401), and refuses a bad limit or flag (400 1099)', async (t) => {
      const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
      assertError(await calls(app, null), 401, null);
      assertError(await calls(app, 'not-a-token'), 401, null);
      const token = await tokenFor(app);
      for (const query of ['?limit=0', '?limit=1001', '?limit=ten', '?tooSoon=yes']) assertError(await calls(app, token, query), 400, '1099');
    });
  });
}
