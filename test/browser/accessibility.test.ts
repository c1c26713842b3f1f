import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { describe, test, type TestContext } from 'node:test';
import { createRequire } from 'node:module';
import type { AxeResults } from 'axe-core';
import type { Page } from 'playwright-core';
import { CLIENT_1, TEST_SEED, tokenFor } from '../helpers/fixtures.js';
import { launchBrowser } from '../helpers/browser.js';
import { createPos, initiated, USERS } from '../helpers/flows.js';
import { startPlatform } from '../helpers/platform.js';

const WIDTHS = [375, 1280];

/** The platform listening on a free loopback port, and a browser to open its pages in. */
async function serve(t: TestContext, env: Record<string, string> = {}) {
  const started = await startPlatform(t, 'sqlite', { seed: TEST_SEED, env });
  await started.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = started.app.server.address() as AddressInfo;
  return { ...started, base: `http://127.0.0.1:${port}`, browser: await launchBrowser(t) };
}

const AXE_SCRIPT = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** The serious and critical violations axe-core finds on the page as it is now, one line each. */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE_SCRIPT });
  const { violations } = await page.evaluate(() => (window as unknown as { axe: { run(): Promise<AxeResults> } }).axe.run());
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

describe('accessibility (axe-core, serious and critical violations)', () => {
  for (const width of WIDTHS) {
    test(`the landing page of a demo sandbox at ${width} px`, async (t) => {
      const { base, browser } = await serve(t, { DEMO_DATA: 'true' });
      const page = await (await browser.newContext({ viewport: { width, height: 800 } })).newPage();
      await page.goto(`${base}/`);
      await page.getByRole('heading', { name: 'Demo credentials' }).waitFor();
      assert.deepEqual(await seriousViolations(page), []);
    });

    test(`the wallet, with a payment awaiting the customer, at ${width} px`, async (t) => {
      const { app, base, browser } = await serve(t);
      const token = await tokenFor(app);
      const page = await (await browser.newContext({ viewport: { width, height: 800 } })).newPage();
      await page.goto(`${base}/app?phone=${encodeURIComponent(USERS.credit)}`);
      const pos = await createPos(app, token);
      await page.getByLabel('Beacon id').fill(pos.beaconId);
      await page.getByRole('button', { name: 'Check in' }).click();
      await initiated(app, token, pos.posId, { amount: 42.5 });
      await page.getByRole('button', { name: 'Pay 42.50 DKK' }).waitFor();
      assert.deepEqual(await seriousViolations(page), []);
    });

    test(`the dashboard, signed out and signed in, at ${width} px`, async (t) => {
      const { app, base, browser } = await serve(t);
      const token = await tokenFor(app);
      await createPos(app, token);
      const page = await (await browser.newContext({ viewport: { width, height: 800 } })).newPage();
      await page.goto(`${base}/dashboard/`);
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
      assert.deepEqual(await seriousViolations(page), [], 'signed out');
      await page.getByLabel('Client id').fill(CLIENT_1.clientId);
      await page.getByLabel('Client secret').fill(CLIENT_1.clientSecret);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.locator('#calls tr').first().waitFor();
      assert.deepEqual(await seriousViolations(page), [], 'signed in');
    });
  }
});
