import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { describe, test, type TestContext } from 'node:test';
import { CLIENT_1, TEST_SEED, tokenFor, v10 } from '../helpers/fixtures.js';
import { launchBrowser } from '../helpers/browser.js';
import { createPos, initiated } from '../helpers/flows.js';
import { startPlatform } from '../helpers/platform.js';

async function openDashboard(t: TestContext) {
  const started = await startPlatform(t, 'sqlite', { seed: TEST_SEED });
  await started.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = started.app.server.address() as AddressInfo;
  const page = await (await launchBrowser(t)).newPage();
  const pageErrors: Error[] = [];
  page.on('pageerror', (error) => pageErrors.push(error));
  t.after(() => assert.deepEqual(pageErrors, [], 'the page threw'));
  await page.goto(`http://127.0.0.1:${port}/dashboard/`);
  return { ...started, page };
}

describe('integrator dashboard in a browser', () => {
  test('a wrong secret is refused; signed in, the client sees its calls, flagged too soon or outside the contract, and can keep only the polls that came too soon', async (t) => {
    const { app, page, time } = await openDashboard(t);
    const token = await tokenFor(app);
    const pos = await createPos(app, token);
    const paymentId = await initiated(app, token, pos.posId, { amount: '12.50' }); // a string: outside the contract
    await v10(app, 'GET', `/payments/${paymentId}`, { token });
    time.advance(200);
    await v10(app, 'GET', `/payments/${paymentId}`, { token });

    await page.getByLabel('Client id').fill(CLIENT_1.clientId);
    await page.getByLabel('Client secret').fill('wrong-secret');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').getByText('unknown client or wrong secret').waitFor();

    await page.getByLabel('Client secret').fill(CLIENT_1.clientSecret);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText(`Client ${CLIENT_1.clientId}`).waitFor();
    await page.getByText('5 calls · 0 refused · 1 polled too soon · 1 outside the contract').waitFor();
    assert.equal(await page.getByRole('form', { name: 'Sign in' }).isVisible(), false);
    assert.equal(await page.locator('#calls tr').count(), 5);
    assert.equal(await page.locator('#calls tr.flagged').getByText(`GET /pos/v10/payments/${paymentId}`).count(), 1);
    const initiateRow = page.locator('#calls tr.flagged').filter({ hasText: 'POST /pos/v10/payments' });
    assert.equal(await initiateRow.count(), 1);
    assert.equal(await initiateRow.getByText('outside the contract').count(), 1);

    await page.getByLabel('Only polls that came too soon').check();
    await page.getByText('1 calls · 0 refused · 1 polled too soon · 0 outside the contract').waitFor();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    assert.equal(await page.locator('#calls-section').isVisible(), false);
  });
});
