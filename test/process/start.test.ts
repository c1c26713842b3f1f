import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import { loadConfig } from '../../src/config.js';
import { createPlatform } from '../../src/platform.js';
import { notificationsRepository } from '../../src/store/repositories/notifications.js';
import { Receiver } from '../helpers/receivers.js';

const MAIN = resolve(import.meta.dirname, '../../src/main.ts');
// Resolved here: the server runs in a temporary directory, where a bare `--import tsx` would not be found.
const TSX = import.meta.resolve('tsx');
const run = promisify(execFile);

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as { port: number };
  await new Promise((ok) => server.close(ok));
  return port;
}

function start(cwd: string, env: Record<string, string>): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', TSX, MAIN], {
    cwd,
    env: { PATH: process.env.PATH!, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((ok) => child.on('exit', (code) => ok(code)));
  return { child, output: () => output, exited };
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((ok) => setTimeout(ok, 50));
  }
}

describe('starting the platform as a process', () => {
  test('with no configuration it starts on SQLite under ./data with demo data, and the printed curl example works as printed', async (t) => {
    const cwd = await mkdtemp(join(tmpdir(), 'pos-start-'));
    t.after(() => rm(cwd, { recursive: true, force: true }));
    const port = await freePort();
    const server = start(cwd, { PORT: String(port) });
    t.after(() => server.child.kill('SIGKILL'));
    await waitFor(() => server.output().includes('Try it:'), 'the banner');

    const banner = server.output();
    assert.match(banner, /client_id=demo-client {2}client_secret=demo-secret/);
    assert.match(banner, /Admin token \(generated/);
    const example = banner.slice(banner.indexOf('Try it:') + 'Try it:'.length).trim();
    const { stdout } = await run('bash', ['-c', example]);
    assert.match(stdout, /^\{"posId":"[0-9a-f-]{36}"\}$/);

    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    assert.equal(health.status, 200);

    server.child.kill('SIGTERM');
    assert.equal(await server.exited, 0, server.output());
  });

  test('a bad configuration value or seed file stops start-up with exit code 2 and a message naming it', async (t) => {
    const cwd = await mkdtemp(join(tmpdir(), 'pos-start-'));
    t.after(() => rm(cwd, { recursive: true, force: true }));
    const badPort = start(cwd, { PORT: 'eighty' });
    assert.equal(await badPort.exited, 2);
    assert.match(badPort.output(), /Configuration error: PORT="eighty" is invalid/);

    const seed = join(cwd, 'seed.json');
    await writeFile(seed, JSON.stringify({ merchants: [{ vatNumber: 'DK1', name: 'Bad' }] }));
    const badSeed = start(cwd, { PORT: String(await freePort()), DATABASE_URL: 'sqlite::memory:', SEED_FILE: seed });
    assert.equal(await badSeed.exited, 2);
    assert.match(badSeed.output(), /Seed error: .*\/merchants\/0: vatNumber "DK1"/);
    assert.doesNotMatch(badSeed.output(), /\n\s+at /, 'no stack trace');
  });

  test('a second process on the SQLite file another one serves exits with code 2 and says so; the first keeps serving', async (t) => {
    const cwd = await mkdtemp(join(tmpdir(), 'pos-start-'));
    t.after(() => rm(cwd, { recursive: true, force: true }));
    const port = await freePort();
    const first = start(cwd, { PORT: String(port) });
    t.after(() => first.child.kill('SIGKILL'));
    await waitFor(() => first.output().includes('Try it:'), 'the first start');

    const second = start(cwd, { PORT: String(await freePort()) });
    assert.equal(await second.exited, 2, second.output());
    assert.match(second.output(), /Database in use: .*mobilepay-pos\.db is already served by another platform process/);
    assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200);
  });

  test('a reservation that fell due while the platform was down is expired by the restarted process before it serves', async (t) => {
    const cwd = await mkdtemp(join(tmpdir(), 'pos-start-'));
    t.after(() => rm(cwd, { recursive: true, force: true }));
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const env = { PORT: String(port), DEMO_DATA: 'true', ADMIN_TOKEN: 'restart-test-admin-token' };
    const first = start(cwd, env);
    t.after(() => first.child.kill('SIGKILL'));
    await waitFor(() => first.output().includes('Try it:'), 'the first start');

    const token = ((await (await fetch(`${base}/integrator-authentication/connect/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from('demo-client:demo-secret').toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    })).json()) as { access_token: string }).access_token;
    const v10 = (method: string, path: string, body?: unknown) =>
      fetch(`${base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          'x-mobilepay-client-system-version': '1.0.0',
          'x-mobilepay-merchant-vat-number': 'DK12345678',
          'x-mobilepay-idempotency-key': `key-${Math.random()}`,
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
    const { posId } = (await (await v10('POST', '/pos/v10/pointofsales', { merchantPosId: 'till-r', storeId: '5f1c0c6e-3c1a-4c8e-9a77-2d1f7c9b0a01', name: 'Till', supportedBeaconTypes: ['QR'] })).json()) as { posId: string };
    const { beaconId } = (await (await v10('GET', `/pos/v10/pointofsales/${posId}`)).json()) as { beaconId: string };
    const { paymentId } = (await (await v10('POST', '/pos/v10/payments', { posId, orderId: 'o-r', amount: 10, currencyCode: 'DKK', plannedCaptureDelay: 'None' })).json()) as { paymentId: string };
    for (const action of ['checkin', 'acceptpayment']) {
      const response = await fetch(`${base}/pos/app/usersimulation/${action}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ beaconId, phoneNumber: '+4520031801' }),
      });
      assert.equal(response.status, 200);
    }
    const reserved = (await (await v10('GET', `/pos/v10/payments/${paymentId}`)).json()) as { status: string; paymentExpiresAt: string };
    assert.equal(reserved.status, 'Reserved');
    first.child.kill('SIGTERM');
    assert.equal(await first.exited, 0, first.output());

    // While it is down, 8 days pass in platform time (the sandbox clock's offset is what the database keeps).
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(join(cwd, 'data', 'mobilepay-pos.db'));
    db.prepare("update platform_state set value = value + ? where name = 'sandbox_clock_offset'").run(8 * 24 * 60 * 60 * 1000);
    db.close();

    const second = start(cwd, env);
    t.after(() => second.child.kill('SIGKILL'));
    await waitFor(() => second.output().includes('Try it:'), 'the second start');
    const expired = (await (await v10('GET', `/pos/v10/payments/${paymentId}`)).json()) as { status: string };
    assert.equal(expired.status, 'ExpiredAndCancelled');
    second.child.kill('SIGTERM');
    assert.equal(await second.exited, 0, second.output());
  });

  test('deliveries held by a silent receiver keep neither start-up nor SIGTERM waiting, and stay pending', async (t) => {
    const cwd = await mkdtemp(join(tmpdir(), 'pos-start-'));
    t.after(() => rm(cwd, { recursive: true, force: true }));
    const silent = await Receiver.start();
    t.after(() => silent.stop());
    silent.answer = 'hold';
    const file = join(cwd, 'pos.db');
    // Two notifications left pending by an earlier process.
    const earlier = await createPlatform({ ...loadConfig({ DEMO_DATA: 'false', LOG_LEVEL: 'silent' }), database: { engine: 'sqlite', file } });
    for (const id of ['00000000-0000-4000-8000-0000000000a1', '00000000-0000-4000-8000-0000000000a2']) {
      const now = earlier.clock.now();
      await notificationsRepository.insert(earlier.db, { notificationId: id, url: silent.url(), origin: new URL(silent.url()).origin, payload: {}, createdAt: now }, now);
    }
    await earlier.close();

    const port = await freePort();
    const server = start(cwd, { PORT: String(port), DATABASE_URL: file });
    t.after(() => server.child.kill('SIGKILL'));
    await waitFor(() => server.output().includes('listening on'), 'the start');
    await waitFor(() => silent.open.now === 2, 'both deliveries to reach the silent receiver');
    assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200);

    server.child.kill('SIGTERM');
    assert.equal(await server.exited, 0, server.output());
    assert.equal(silent.held, 2, 'the process ended while the receiver still held both requests unanswered');
    await waitFor(() => silent.aborted === 2, 'the receiver to see both connections aborted');
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(file, { readonly: true });
    t.after(() => db.close());
    assert.deepEqual(db.prepare('select attempts, lease_token, delivered_at from notifications').all(), [
      { attempts: 0, lease_token: null, delivered_at: null },
      { attempts: 0, lease_token: null, delivered_at: null },
    ]);
  });
});
