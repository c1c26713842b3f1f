import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SignJWT, createLocalJWKSet, generateKeyPair, importJWK, jwtVerify, type JWK } from 'jose';
import { CLIENT_1, CLIENT_2, MERCHANT_A, MERCHANT_B, TEST_SEED, tokenFor, v10 } from '../helpers/fixtures.js';
import { assertContract } from '../helpers/contract.js';
import { ENGINES, dropDatabase, persistentDatabase, startPlatform } from '../helpers/platform.js';
import { ManualTime } from '../helpers/manual-time.js';

const TOKEN_URL = '/integrator-authentication/connect/token';
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

for (const engine of ENGINES) {
  describe(`integrator authentication (${engine})`, () => {
    test('issues a contract-shaped RS256 token for Basic credentials, verifiable with the JWKS', async (t) => {
      const { app, platform } = await startPlatform(t, engine, { seed: TEST_SEED });
      const response = await app.inject({
        method: 'POST',
        url: TOKEN_URL,
        headers: { ...FORM, authorization: basic(CLIENT_1.clientId, CLIENT_1.clientSecret) },
        payload: form({ grant_type: 'client_credentials' }),
      });
      assert.equal(response.statusCode, 200);
      const body = response.json();
      assertContract('TokenResponse', body);
      assert.equal(body.expires_in, 3700);

      const jwks = await app.inject({ method: 'GET', url: '/integrator-authentication/.well-known/openid-configuration/jwks' });
      const { payload, protectedHeader } = await jwtVerify(body.access_token, createLocalJWKSet(jwks.json()), {
        issuer: platform.issuer,
        currentDate: new Date(platform.clock.wallNow()),
      });
      assert.equal(protectedHeader.alg, 'RS256');
      assert.equal(payload.client_id, CLIENT_1.clientId);
      assert.equal(typeof payload.integrator_id, 'string');
      assert.equal(payload.merchant_vat, undefined);
    });

    test('accepts credentials in the form body and binds merchant_vat into the token', async (t) => {
      const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
      const response = await app.inject({
        method: 'POST',
        url: TOKEN_URL,
        headers: FORM,
        payload: form({ grant_type: 'client_credentials', client_id: CLIENT_2.clientId, client_secret: CLIENT_2.clientSecret, merchant_vat: MERCHANT_B }),
      });
      assert.equal(response.statusCode, 200);
      const [, payload] = response.json().access_token.split('.');
      assert.equal(JSON.parse(Buffer.from(payload, 'base64url').toString()).merchant_vat, MERCHANT_B);
    });

    test('refuses a wrong secret, an unknown client and missing credentials with 401 invalid_client', async (t) => {
      const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
      for (const headers of [
        { ...FORM, authorization: basic(CLIENT_1.clientId, 'wrong') },
        { ...FORM, authorization: basic('nobody', 'secret') },
        FORM,
      ]) {
        const response = await app.inject({ method: 'POST', url: TOKEN_URL, headers, payload: form({ grant_type: 'client_credentials' }) });
        assert.equal(response.statusCode, 401);
        assert.equal(response.json().error, 'invalid_client');
      }
    });

    test('refuses a malformed merchant_vat with 400 invalid_request and another grant type with unsupported_grant_type', async (t) => {
      const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
      const badVat = await app.inject({
        method: 'POST',
        url: TOKEN_URL,
        headers: { ...FORM, authorization: basic(CLIENT_1.clientId, CLIENT_1.clientSecret) },
        payload: form({ grant_type: 'client_credentials', merchant_vat: 'DK123' }),
      });
      assert.equal(badVat.statusCode, 400);
      assert.equal(badVat.json().error, 'invalid_request');
      const badGrant = await app.inject({
        method: 'POST',
        url: TOKEN_URL,
        headers: { ...FORM, authorization: basic(CLIENT_1.clientId, CLIENT_1.clientSecret) },
        payload: form({ grant_type: 'password' }),
      });
      assert.equal(badGrant.statusCode, 400);
      assert.equal(badGrant.json().error, 'unsupported_grant_type');
    });

    test('serves an OpenID discovery document pointing at the token endpoint and the JWKS', async (t) => {
      const { app, platform } = await startPlatform(t, engine, { seed: TEST_SEED });
      const doc = (await app.inject({ method: 'GET', url: '/integrator-authentication/.well-known/openid-configuration' })).json();
      assert.equal(doc.issuer, platform.issuer);
      assert.equal(doc.token_endpoint, `${platform.issuer}/connect/token`);
      assert.equal(doc.jwks_uri, `${platform.issuer}/.well-known/openid-configuration/jwks`);
      assert.deepEqual(doc.token_endpoint_auth_methods_supported, ['client_secret_basic', 'client_secret_post']);
    });

    test('a v10 call without a token, with a garbage token or with an expired token is 401 with an error body', async (t) => {
      const { app, time } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      assert.equal((await v10(app, 'GET', '/stores', { token })).statusCode, 200);

      const noToken = await app.inject({ method: 'GET', url: '/pos/v10/stores', headers: { 'x-mobilepay-client-system-version': '1.0.0' } });
      assert.equal(noToken.statusCode, 401);
      assertContract('ErrorResponse', noToken.json());
      assert.equal((await v10(app, 'GET', '/stores', { token: 'not.a.jwt' })).statusCode, 401);

      time.advance(3700 * 1000);
      const expired = await v10(app, 'GET', '/stores', { token });
      assert.equal(expired.statusCode, 401);
      assert.equal(expired.json().correlationId, expired.headers['x-correlation-id']);
    });

    test('a token signed by a key that is not ours is refused', async (t) => {
      const { app, platform } = await startPlatform(t, engine, { seed: TEST_SEED });
      const { privateKey } = await generateKeyPair('RS256');
      const forged = await new SignJWT({ client_id: CLIENT_1.clientId, integrator_id: 'x', scope: 'integrator_scope' })
        .setProtectedHeader({ alg: 'RS256', kid: 'forged' })
        .setIssuer(platform.issuer)
        .setIssuedAt(Math.floor(platform.clock.wallNow() / 1000))
        .setExpirationTime(Math.floor(platform.clock.wallNow() / 1000) + 600)
        .sign(privateKey);
      assert.equal((await v10(app, 'GET', '/stores', { token: forged })).statusCode, 401);
    });

    // Verified tokens are remembered by their signature's end; a token that shares it but differs elsewhere is
    // another token and must be verified on its own.
    test('a used token whose claims are altered, its signature kept, is refused', async (t) => {
      const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app);
      assert.equal((await v10(app, 'GET', '/stores', { token })).statusCode, 200);
      const [header, payload, signature] = token.split('.') as [string, string, string];
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
      const altered = Buffer.from(JSON.stringify({ ...claims, integrator_id: 'someone-else' })).toString('base64url');
      const response = await v10(app, 'GET', '/stores', { token: `${header}.${altered}.${signature}` });
      assert.equal(response.statusCode, 401);
      assert.equal((await v10(app, 'GET', '/stores', { token })).statusCode, 200);
    });

    test('after key rotation old tokens stay valid until they expire, new tokens use the new key, and the rotated-out key then leaves the JWKS', async (t) => {
      const { app, platform, time } = await startPlatform(t, engine, { seed: TEST_SEED });
      const oldToken = await tokenFor(app);
      const oldKid = JSON.parse(Buffer.from(oldToken.split('.')[0]!, 'base64url').toString()).kid;

      time.advance(60_000);
      const newKid = await platform.tokens.rotate();
      assert.notEqual(newKid, oldKid);
      const newToken = await tokenFor(app);
      assert.equal(JSON.parse(Buffer.from(newToken.split('.')[0]!, 'base64url').toString()).kid, newKid);

      const kids = async () =>
        (await app.inject({ method: 'GET', url: '/integrator-authentication/.well-known/openid-configuration/jwks' }))
          .json()
          .keys.map((k: JWK) => k.kid)
          .sort();
      assert.deepEqual(await kids(), [oldKid, newKid].sort());
      assert.equal((await v10(app, 'GET', '/stores', { token: oldToken })).statusCode, 200);
      assert.equal((await v10(app, 'GET', '/stores', { token: newToken })).statusCode, 200);

      time.advance(3700 * 1000); // the old token has expired, and so has every token of the old key
      assert.equal((await v10(app, 'GET', '/stores', { token: oldToken })).statusCode, 401);
      assert.deepEqual(await kids(), [newKid]);
    });

    test('signing keys persist: a token issued before a restart is valid after it', async (t) => {
      const target = persistentDatabase(engine);
      const time = new ManualTime();
      const first = await startPlatform(t, engine, { seed: TEST_SEED, database: target, time, keepDatabase: true });
      const token = await tokenFor(first.app);
      await first.app.close();
      await first.platform.close();

      const second = await startPlatform(t, engine, { database: target, time });
      t.after(() => dropDatabase(target));
      assert.equal((await v10(second.app, 'GET', '/stores', { token })).statusCode, 200);
    });

    test('a token whose merchant_vat claim is malformed gives 400 1182', async (t) => {
      const { app, platform } = await startPlatform(t, engine, { seed: TEST_SEED });
      const signing = await platform.db.selectFrom('signing_keys').selectAll().where('retired_at', 'is', null).executeTakeFirstOrThrow();
      const key = await importJWK(JSON.parse(signing.private_jwk) as JWK, 'RS256');
      const integrator = await platform.db.selectFrom('clients').select('integrator_id').where('client_id', '=', CLIENT_1.clientId).executeTakeFirstOrThrow();
      const now = Math.floor(platform.clock.wallNow() / 1000);
      const token = await new SignJWT({ client_id: CLIENT_1.clientId, integrator_id: integrator.integrator_id, scope: 'integrator_scope', merchant_vat: 'SE123' })
        .setProtectedHeader({ alg: 'RS256', kid: signing.kid })
        .setIssuer(platform.issuer)
        .setIssuedAt(now)
        .setExpirationTime(now + 600)
        .sign(key);
      const response = await v10(app, 'GET', '/stores', { token, vat: null });
      assert.equal(response.statusCode, 400);
      assert.equal(response.json().code, '1182');
    });

    test('a token bound to a merchant needs no VAT header, and a different VAT header is 1159', async (t) => {
      const { app } = await startPlatform(t, engine, { seed: TEST_SEED });
      const token = await tokenFor(app, CLIENT_1, MERCHANT_A);
      const withoutHeader = await v10(app, 'GET', '/stores', { token, vat: null });
      assert.equal(withoutHeader.statusCode, 200);
      assert.equal(withoutHeader.json().storeIds.length, 2);
      assert.equal((await v10(app, 'GET', '/stores', { token, vat: MERCHANT_A })).statusCode, 200);
      const mismatch = await v10(app, 'GET', '/stores', { token, vat: MERCHANT_B });
      assert.equal(mismatch.statusCode, 400);
      assert.equal(mismatch.json().code, '1159');
    });
  });
}
