import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { UNKNOWN_CLIENT_HASH, generateSecret, verifySecret } from '../../src/services/secrets.js';
import { BLOCK_MS, FAILURE_LIMIT, FAILURE_WINDOW_MS, OAuthError, TokenService } from '../../src/services/tokens.js';
import { integratorsRepository } from '../../src/store/repositories/integrators.js';
import { CLIENT_1, CLIENT_2, TEST_SEED, tokenFor, v10 } from '../helpers/fixtures.js';
import { createPos, simulate, USERS } from '../helpers/flows.js';
import { ENGINES, asOperator, dropDatabase, eventually, freshDatabase, persistentDatabase, startPlatform } from '../helpers/platform.js';

const TOKEN_URL = '/integrator-authentication/connect/token';

/** A token request, always from one address, as every till behind a shop's router sends it. */
const askToken = (app: FastifyInstance, clientId: string, clientSecret: string) =>
  app.inject({
    method: 'POST',
    url: TOKEN_URL,
    remoteAddress: '192.0.2.10',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }).toString(),
  });

async function failTimes(app: FastifyInstance, clientId: string, times: number): Promise<void> {
  for (let i = 0; i < times; i++) assert.equal((await askToken(app, clientId, `wrong-${i}`)).statusCode, 401);
}

function assertBlocked(response: Awaited<ReturnType<typeof askToken>>): void {
  assert.equal(response.statusCode, 429, response.body);
  assert.equal(response.json().error, 'temporarily_unavailable');
  const retryAfter = Number(response.headers['retry-after']);
  assert.ok(Number.isInteger(retryAfter) && retryAfter > 0 && retryAfter <= BLOCK_MS / 1000, `Retry-After ${response.headers['retry-after']}`);
}

for (const engine of ENGINES) {
  describe(`the token endpoint resists guessing (${engine})`, () => {
    test('repeated failures for one client id are 429 with Retry-After, also for the right secret, until the block ends; other clients on the same address are served', async (t) => {
      const { app, time } = await startPlatform(t, engine, { seed: TEST_SEED });
      await failTimes(app, CLIENT_1.clientId, FAILURE_LIMIT);
      assertBlocked(await askToken(app, CLIENT_1.clientId, CLIENT_1.clientSecret));
      assert.equal((await askToken(app, CLIENT_2.clientId, CLIENT_2.clientSecret)).statusCode, 200);

      time.advance(BLOCK_MS - 1000);
      const late = await askToken(app, CLIENT_1.clientId, CLIENT_1.clientSecret);
      assertBlocked(late);
      assert.equal(late.headers['retry-after'], '1');
      time.advance(1000);
      assert.equal((await askToken(app, CLIENT_1.clientId, CLIENT_1.clientSecret)).statusCode, 200);
    });

    test('an unknown client id is blocked after as many failures as a known one', async (t) => {
      const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
      await failTimes(app, 'nobody-here', FAILURE_LIMIT);
      assertBlocked(await askToken(app, 'nobody-here', 'anything'));
    });

    test('failures further apart than the window do not add up to a block', async (t) => {
      const { app, time } = await startPlatform(t, engine, { seed: TEST_SEED });
      await failTimes(app, CLIENT_1.clientId, FAILURE_LIMIT - 1);
      time.advance(FAILURE_WINDOW_MS + 1);
      await failTimes(app, CLIENT_1.clientId, FAILURE_LIMIT - 1);
      assert.equal((await askToken(app, CLIENT_1.clientId, CLIENT_1.clientSecret)).statusCode, 200);
    });

    test('an unknown client id costs the same secret check as a wrong secret (against a hash of the same parameters)', async (t) => {
      const { platform } = await startPlatform(t, engine, { seed: TEST_SEED });
      const checked: string[] = [];
      const tokens = new TokenService(platform.db, platform.clock, {
        ...platform.tokens.options,
        verifySecret: (secret, stored) => {
          checked.push(stored);
          return verifySecret(secret, stored);
        },
      });
      const refusal = (promise: Promise<unknown>) => assert.rejects(promise, (e: unknown) => e instanceof OAuthError && e.error === 'invalid_client');
      await refusal(tokens.issue(CLIENT_1.clientId, 'wrong'));
      await refusal(tokens.issue('nobody-here', 'wrong'));
      assert.equal(checked.length, 2);
      const known = (await integratorsRepository.findClient(platform.db, CLIENT_1.clientId))!.secretHash;
      assert.deepEqual(checked, [known, UNKNOWN_CLIENT_HASH]);
      const parameters = (hash: string) => hash.split('$').slice(0, 4);
      assert.deepEqual(parameters(UNKNOWN_CLIENT_HASH), parameters(known));
    });

    test('a disabled client is refused at once on /pos/v10, the dashboard API and the user simulation, gets no new token, and works again once enabled', async (t) => {
      const { app, platform } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app, CLIENT_1);
      const pos = await createPos(app, token);
      const calls = {
        v10: () => v10(app, 'GET', `/pointofsales/${pos.posId}`, { token }),
        dashboard: () => app.inject({ method: 'GET', url: '/dashboard/api/calls', headers: { authorization: `Bearer ${token}` } }),
        simulation: () => simulate(app, token, 'checkin', { beaconId: pos.beaconId, phoneNumber: USERS.credit }),
      };
      for (const call of Object.values(calls)) assert.equal((await call()).statusCode, 200);

      await platform.onboarding.setClientDisabled(CLIENT_1.clientId, true);
      for (const [name, call] of Object.entries(calls)) assert.equal((await call()).statusCode, 401, name);
      const refused = await askToken(app, CLIENT_1.clientId, CLIENT_1.clientSecret);
      assert.equal(refused.statusCode, 401);
      assert.equal(refused.json().error, 'invalid_client');
      assert.equal((await tokenFor(app, CLIENT_2)).length > 0, true);

      await platform.onboarding.setClientDisabled(CLIENT_1.clientId, false);
      assert.equal((await calls.v10()).statusCode, 200);
      assert.equal((await askToken(app, CLIENT_1.clientId, CLIENT_1.clientSecret)).statusCode, 200);
    });
  });
}

test('generated client secrets carry at least 128 bits of randomness', () => {
  const secrets = Array.from({ length: 100 }, generateSecret);
  for (const secret of secrets) {
    assert.match(secret, /^[A-Za-z0-9_-]+$/);
    assert.ok(Buffer.from(secret, 'base64url').length * 8 >= 128, secret);
  }
  assert.equal(new Set(secrets).size, secrets.length);
});

describe('a client disabled by another process is refused within a bounded wait', () => {
  test('two platforms on one PostgreSQL share the disabled clients and the failure counts', async (t) => {
    const database = freshDatabase('postgres');
    const one = await startPlatform(t, 'postgres', { seed: TEST_SEED, database, keepDatabase: true });
    const two = await startPlatform(t, 'postgres', { database, keepDatabase: true, time: one.time });
    t.after(() => dropDatabase(database));
    const token = await tokenFor(one.app, CLIENT_1);
    const onTwo = () => v10(two.app, 'GET', '/stores', { token });
    assert.equal((await onTwo()).statusCode, 200);

    await one.platform.onboarding.setClientDisabled(CLIENT_1.clientId, true);
    assert.ok(await eventually(async () => (await onTwo()).statusCode === 401), 'the other platform still accepts the token');
    assert.equal((await askToken(two.app, CLIENT_1.clientId, CLIENT_1.clientSecret)).statusCode, 401);

    // Failures made on either process count together.
    await failTimes(one.app, CLIENT_2.clientId, FAILURE_LIMIT / 2);
    await failTimes(two.app, CLIENT_2.clientId, FAILURE_LIMIT / 2);
    assertBlocked(await askToken(one.app, CLIENT_2.clientId, CLIENT_2.clientSecret));
  });

  test('the operator CLI disabling in the SQLite file of a running platform', async (t) => {
    const database = persistentDatabase('sqlite');
    const { app } = await startPlatform(t, 'sqlite', { seed: TEST_SEED, database });
    const token = await tokenFor(app, CLIENT_1);
    const stores = () => v10(app, 'GET', '/stores', { token });
    assert.equal((await stores()).statusCode, 200);

    // What `pos-admin client disable` does: its own connection to the file, no platform.
    await asOperator(database, (onboarding) => onboarding.setClientDisabled(CLIENT_1.clientId, true));
    assert.ok(await eventually(async () => (await stores()).statusCode === 401), 'the platform still accepts the token');
  });
});
