import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { TEST_SEED, tokenFor } from '../helpers/fixtures.js';
import { launchBrowser } from '../helpers/browser.js';
import { capture, createPos, getCheckin, getPayment, initiated, USERS } from '../helpers/flows.js';
import { startPlatform } from '../helpers/platform.js';

/** The platform listening on a free loopback port, and a browser page on its wallet app as `phoneNumber`. */
async function openWallet(t: import('node:test').TestContext, phoneNumber: string) {
  const started = await startPlatform(t, 'sqlite', { seed: TEST_SEED });
  await started.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = started.app.server.address() as AddressInfo;
  const browser = await launchBrowser(t);
  const page = await browser.newPage();
  const pageErrors: Error[] = [];
  page.on('pageerror', (error) => pageErrors.push(error));
  t.after(() => assert.deepEqual(pageErrors, [], 'the page threw'));
  await page.goto(`http://127.0.0.1:${port}/app?phone=${encodeURIComponent(phoneNumber)}`);
  return { ...started, page, token: await tokenFor(started.app) };
}

describe('wallet app in a browser', () => {
  test('a customer checks in at the beacon, sees the amount and pays; the PoS sees Reserved, then the wallet Paid', async (t) => {
    const { app, page, token } = await openWallet(t, USERS.credit);
    await page.locator('#user option').first().waitFor({ state: 'attached' });
    assert.equal(await page.getByLabel('User').inputValue(), USERS.credit);

    const pos = await createPos(app, token);
    await page.getByLabel('Beacon id').fill(pos.beaconId);
    await page.getByRole('button', { name: 'Check in' }).click();
    await page.getByText('Checked in at Aurora · Aurora Nørrebro · Till').waitFor();

    const paymentId = await initiated(app, token, pos.posId, { amount: 42.5, merchantPaymentLabel: 'Two coffees' });
    const pay = page.getByRole('button', { name: 'Pay 42.50 DKK' });
    await pay.waitFor(); // the wallet refreshes by itself, as a phone waiting for the request
    assert.ok(await page.getByText('Two coffees').isVisible());
    await pay.click();
    await page.getByText('Nothing to pay.').waitFor();
    assert.equal((await getPayment(app, token, paymentId)).status, 'Reserved');

    assert.equal((await capture(app, token, paymentId, 42.5)).statusCode, 200);
    await page.locator(`#history li[data-payment-id="${paymentId}"]`, { hasText: 'Paid' }).waitFor();
  });

  test('declining cancels the payment by the user; a refused accept shows the platform message', async (t) => {
    const { app, page, token } = await openWallet(t, USERS.debit);
    const pos = await createPos(app, token);
    const restricted = await initiated(app, token, pos.posId, { restrictions: { debitCardDisallowed: true } });
    await page.getByLabel('Beacon id').fill(pos.beaconId);
    await page.getByRole('button', { name: 'Check in' }).click();

    await page.getByRole('button', { name: 'Pay 100.00 DKK' }).click();
    await page.getByRole('alert').getByText("The payment's restrictions disallow the customer's card type.").waitFor();
    assert.equal((await getPayment(app, token, restricted)).status, 'IssuedToUser');

    await page.getByRole('button', { name: 'Decline' }).click();
    await page.locator(`#history li[data-payment-id="${restricted}"]`, { hasText: 'Declined' }).waitFor();
    assert.equal((await getPayment(app, token, restricted)).status, 'CancelledByUser');
  });

  test("a link with ?beacon= (a printed QR code's payload) opens the wallet checked in there, once", async (t) => {
    const started = await startPlatform(t, 'sqlite', { seed: TEST_SEED });
    await started.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = started.app.server.address() as AddressInfo;
    const token = await tokenFor(started.app);
    const pos = await createPos(started.app, token);
    const page = await (await launchBrowser(t)).newPage();
    const payload = `mobilepaypos://pos?id=${pos.beaconId}&source=qr`;
    await page.goto(`http://127.0.0.1:${port}/app/?phone=${encodeURIComponent(USERS.credit)}&beacon=${encodeURIComponent(payload)}`);
    await page.getByText('Checked in at Aurora · Aurora Nørrebro · Till').waitFor();
    assert.equal(new URL(page.url()).searchParams.has('beacon'), false, 'a reload does not check in again');
    assert.equal((await getCheckin(started.app, token, pos.posId)).isUserCheckedIn, true);
  });

  test('an unknown beacon is refused with the platform message', async (t) => {
    const { page } = await openWallet(t, USERS.credit);
    await page.getByLabel('Beacon id').fill('123456789012345');
    await page.getByRole('button', { name: 'Check in' }).click();
    await page.getByRole('alert').getByText('No active point of sale has this beacon.').waitFor();
  });
});
