import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TEST_SEED, tokenFor, v10 } from '../helpers/fixtures.js';
import { dropDatabase, freshDatabase, startPlatform } from '../helpers/platform.js';

const BALANCER = 'https://pos.example.com';

describe('several platform processes on one PostgreSQL behind one balancer', () => {
  test("processes sharing one PUBLIC_URL accept each other's tokens; a process with another PUBLIC_URL is another issuer", async (t) => {
    const database = freshDatabase('postgres');
    const a = await startPlatform(t, 'postgres', { seed: TEST_SEED, database, keepDatabase: true, env: { PUBLIC_URL: BALANCER } });
    const b = await startPlatform(t, 'postgres', { database, keepDatabase: true, env: { PUBLIC_URL: `${BALANCER}/` } });
    const elsewhere = await startPlatform(t, 'postgres', { database, keepDatabase: true, env: { PUBLIC_URL: 'https://other.example.com' } });
    t.after(() => dropDatabase(database)); // after the three have closed

    const fromA = await tokenFor(a.app);
    const fromB = await tokenFor(b.app);
    assert.equal((await v10(b.app, 'GET', '/stores', { token: fromA })).statusCode, 200);
    assert.equal((await v10(a.app, 'GET', '/stores', { token: fromB })).statusCode, 200);
    assert.equal((await v10(elsewhere.app, 'GET', '/stores', { token: fromA })).statusCode, 401);

    const discovery = await b.app.inject({ method: 'GET', url: '/integrator-authentication/.well-known/openid-configuration' });
    assert.equal(discovery.json().issuer, `${BALANCER}/integrator-authentication`);
    assert.equal(discovery.json().token_endpoint, `${BALANCER}/integrator-authentication/connect/token`);
  });
});
