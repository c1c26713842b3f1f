import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { startPlatform } from '../helpers/platform.js';

describe('the landing page at /', () => {
  test('in a demo sandbox: what this is, links to docs, console, wallet and the OpenAPI file, the demo credentials and a first curl', async (t) => {
    const { app } = await startPlatform(t, 'sqlite', { env: { DEMO_DATA: 'true', PUBLIC_URL: 'https://pos.example.com' } });
    const page = await app.inject({ method: 'GET', url: '/' });
    assert.equal(page.statusCode, 200);
    assert.match(page.headers['content-type'] as string, /^text\/html; charset=utf-8/);
    for (const href of ['/docs', '/dashboard/', '/app/', '/openapi.json']) assert.match(page.body, new RegExp(`href="${href}"`));
    assert.match(page.body, /<meta name="viewport"/);
    assert.match(page.body, /<code>demo-client<\/code>[\s\S]*<code>demo-secret<\/code>/);
    assert.match(page.body, /curl -s -u demo-client:demo-secret -d grant_type=client_credentials \\\n {2}https:\/\/pos\.example\.com\/integrator-authentication\/connect\/token/);

    // The credentials shown are the ones that work.
    const token = await app.inject({
      method: 'POST',
      url: '/integrator-authentication/connect/token',
      headers: { authorization: `Basic ${Buffer.from('demo-client:demo-secret').toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'grant_type=client_credentials',
    });
    assert.equal(token.statusCode, 200);
  });

  test('in production mode: no wallet and no credentials', async (t) => {
    const { app } = await startPlatform(t, 'sqlite', { env: { SANDBOX: 'false', DEMO_DATA: 'true' } });
    const page = await app.inject({ method: 'GET', url: '/' });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /href="\/docs"/);
    assert.doesNotMatch(page.body, /href="\/app\/"|demo-secret|curl/);
  });
});
