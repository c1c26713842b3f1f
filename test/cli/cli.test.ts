import assert from 'node:assert/strict';
import { execFile, type ExecFileException } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { Clock } from '../../src/clock.js';
import { loadConfig, parseDatabaseUrl } from '../../src/config.js';
import { runCli } from '../../src/cli.js';
import { buildApp } from '../../src/http/app.js';
import { createPlatform } from '../../src/platform.js';
import { applySeed } from '../../src/services/seed.js';
import { TokenService } from '../../src/services/tokens.js';
import { openDatabase } from '../../src/store/database.js';
import { balancesRepository } from '../../src/store/repositories/balances.js';
import { notificationsRepository } from '../../src/store/repositories/notifications.js';
import { signingKeysRepository } from '../../src/store/repositories/signing-keys.js';
import { CLIENT_1, STORE_A1, TEST_SEED, tokenFor } from '../helpers/fixtures.js';
import { capture, capturedPayment, getPayment } from '../helpers/flows.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TEST_POSTGRES_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;
const STACK_FRAME = /^\s+at /m;
const execFileAsync = promisify(execFile);

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `pos-admin` configured by DATABASE_URL only, in this process (a process each would cost a second of start-up). */
function posAdmin(databaseUrl: string, ...args: string[]): Promise<CliResult> {
  return posAdminWith({}, databaseUrl, ...args);
}

/** Runs `pos-admin` with more of the environment set (such as SANDBOX), in this process. */
async function posAdminWith(env: Record<string, string>, databaseUrl: string, ...args: string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const io = { stdout: { write: (text: string) => (stdout += text) }, stderr: { write: (text: string) => (stderr += text) } };
  const code = await runCli(args, io, { ...process.env, ...env, DATABASE_URL: databaseUrl });
  return { code, stdout, stderr };
}

/** Runs `pos-admin` as the operator does: a process of its own, so the exit code and streams are the real ones. */
async function posAdminProcess(databaseUrl: string, ...args: string[]): Promise<CliResult> {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: databaseUrl },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as ExecFileException & { stdout: string; stderr: string };
    if (typeof failed.code !== 'number') throw error;
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** The output of a command that must succeed, with what it printed to stderr in the message if not. */
function ok(databaseUrl: string, ...args: string[]): Promise<string> {
  return okWith({}, databaseUrl, ...args);
}

async function okWith(env: Record<string, string>, databaseUrl: string, ...args: string[]): Promise<string> {
  const result = await posAdminWith(env, databaseUrl, ...args);
  assert.equal(result.code, 0, `pos-admin ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

const VAT = 'DK12345678';
const INACTIVE_STORE_ID = '6F0B8C2E-3D4A-4E5F-8A9B-0C1D2E3F4A5B';

// The two engines run side by side; within an engine the tests run in order, each building on what the
// previous ones onboarded.
describe('pos-admin', { concurrency: true }, () => {
  for (const engine of ['sqlite', 'postgres'] as const) {
    describe(engine, { concurrency: false }, () => {
      let databaseUrl = '';
      let cleanUp = async () => {};
      let activatedStoreId = '';

      before(async () => {
        if (engine === 'sqlite') {
          const dir = await mkdtemp(join(tmpdir(), 'pos-cli-'));
          databaseUrl = join(dir, 'pos.db');
          cleanUp = () => rm(dir, { recursive: true, force: true });
          return;
        }
        const schema = `cli_${randomBytes(6).toString('hex')}`;
        const url = new URL(TEST_POSTGRES_URL);
        url.searchParams.set('schema', schema);
        databaseUrl = url.toString();
        cleanUp = async () => {
          const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
          await client.connect();
          try {
            await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
          } finally {
            await client.end();
          }
        };
      });

      after(() => cleanUp());

      test('onboards a merchant, a brand and an activated and an inactive store, and lists the stores', async () => {
        assert.match(await ok(databaseUrl, 'merchant', 'add', '--vat', VAT, '--name', 'Café Aurora'), /DK12345678 "Café Aurora": merchantId [0-9a-f-]{36}/);
        assert.match(await ok(databaseUrl, 'brand', 'add', '--vat', VAT, '--brand-id', 'POSDK12345', '--name', 'Aurora'), /POSDK12345/);
        const store = ['--brand-id', 'POSDK12345', '--street', 'Nørrebrogade 1', '--zip', '2200', '--city', 'København'];
        const activated = await ok(databaseUrl, 'store', 'add', ...store, '--location-id', '00001', '--name', 'Aurora Nørrebro');
        activatedStoreId = activated.match(GUID)?.[0] ?? '';
        assert.match(activated, /\(activated\): storeId [0-9a-f-]{36}/);
        const inactive = await ok(
          databaseUrl,
          'store', 'add', ...store, '--location-id', '00002', '--name', 'Aurora Vesterbro', '--store-id', INACTIVE_STORE_ID, '--inactive',
        );
        assert.match(inactive, new RegExp(`\\(not activated\\): storeId ${INACTIVE_STORE_ID.toLowerCase()}`));

        const lines = (await ok(databaseUrl, 'store', 'list')).trimEnd().split('\n');
        assert.match(lines[0] ?? '', /^STORE ID\s+BRAND\s+LOCATION\s+NAME\s+ADDRESS\s+ACTIVATED$/);
        assert.equal(lines.length, 3);
        assert.match(lines[1] ?? '', new RegExp(`^${activatedStoreId}\\s+POSDK12345\\s+00001\\s+Aurora Nørrebro\\s+Nørrebrogade 1, 2200 København\\s+yes$`));
        assert.match(lines[2] ?? '', new RegExp(`^${INACTIVE_STORE_ID.toLowerCase()}\\s+POSDK12345\\s+00002\\s+Aurora Vesterbro\\s+.*\\s+no$`));
        // Columns line up: every row starts its second column where the heading does.
        const brandColumn = lines[0]?.indexOf('BRAND');
        for (const line of lines.slice(1)) assert.equal(line.indexOf('POSDK12345'), brandColumn);
      });

      test('re-running the same merchant add changes nothing', async () => {
        const again = await ok(databaseUrl, 'merchant', 'add', '--vat', VAT, '--name', 'Café Aurora');
        const merchants = JSON.parse(await ok(databaseUrl, 'merchant', 'list', '--json'));
        assert.equal(merchants.length, 1);
        assert.deepEqual(Object.keys(merchants[0]).sort(), ['createdAt', 'merchantId', 'name', 'vatNumber']);
        assert.equal(merchants[0].vatNumber, VAT);
        assert.equal(merchants[0].name, 'Café Aurora');
        assert.match(again, new RegExp(`merchantId ${merchants[0].merchantId}`));
      });

      test('a bad VAT number exits 2 with one line naming the field, and no stack trace', async () => {
        const result = await posAdminProcess(databaseUrl, 'merchant', 'add', '--vat', 'DK1234', '--name', 'Nope');
        assert.equal(result.code, 2);
        assert.equal(result.stdout, '');
        assert.match(result.stderr, /^error: vatNumber "DK1234" must be [^\n]+\n$/);
        assert.doesNotMatch(result.stderr, STACK_FRAME);
      });

      test('client add without a secret prints a generated one once; client list never shows it', async () => {
        assert.match(await ok(databaseUrl, 'integrator', 'add', '--name', 'Kasse ApS'), /^integrator "Kasse ApS": integratorId [0-9a-f-]{36}\n$/);
        const added = await ok(databaseUrl, 'client', 'add', '--integrator', 'Kasse ApS', '--client-id', 'kasse-pos');
        const secret = added.match(/^client_secret: (\S+)$/m)?.[1];
        assert.ok(secret && secret.length >= 20, added);
        assert.match(added, /cannot be shown again/);

        const listed = await ok(databaseUrl, 'client', 'list', '--json');
        const clients = JSON.parse(listed);
        assert.equal(clients.length, 1);
        assert.deepEqual(Object.keys(clients[0]).sort(), ['clientId', 'createdAt', 'disabled', 'integrator', 'integratorId']);
        assert.equal(clients[0].clientId, 'kasse-pos');
        assert.equal(clients[0].integrator, 'Kasse ApS');
        assert.ok(!listed.includes(secret), 'client list shows the secret');
      });

      test('integrator link and unlink change the merchants integrator list shows; an unknown merchant exits 2', async () => {
        const link = ['--integrator', 'Kasse ApS', '--vat', VAT];
        assert.match(await ok(databaseUrl, 'integrator', 'link', ...link), /^integrator "Kasse ApS" may act for merchant DK12345678\n$/);
        assert.deepEqual(JSON.parse(await ok(databaseUrl, 'integrator', 'list', '--json'))[0].merchants, [VAT]);
        assert.match(await ok(databaseUrl, 'integrator', 'list'), /\s+MERCHANTS\n.*\s+DK12345678\n$/);
        await ok(databaseUrl, 'integrator', 'unlink', ...link);
        assert.deepEqual(JSON.parse(await ok(databaseUrl, 'integrator', 'list', '--json'))[0].merchants, []);
        await ok(databaseUrl, 'integrator', 'link', ...link);

        const unknown = await posAdmin(databaseUrl, 'integrator', 'link', '--integrator', 'Kasse ApS', '--vat', 'DK99999999');
        assert.equal(unknown.code, 2);
        assert.equal(unknown.stderr, 'error: no merchant with VAT number DK99999999\n');
      });

      test('client disable and enable show in client list; an unknown client exits 2', async () => {
        const isDisabled = async () => JSON.parse(await ok(databaseUrl, 'client', 'list', '--json'))[0].disabled;
        assert.equal(await ok(databaseUrl, 'client', 'disable', '--client-id', 'kasse-pos'), 'client kasse-pos disabled\n');
        assert.equal(await isDisabled(), true);
        assert.equal(await ok(databaseUrl, 'client', 'enable', '--client-id', 'kasse-pos'), 'client kasse-pos enabled\n');
        assert.equal(await isDisabled(), false);
        const unknown = await posAdmin(databaseUrl, 'client', 'disable', '--client-id', 'nobody');
        assert.equal(unknown.code, 2);
        assert.equal(unknown.stderr, 'error: no client nobody\n');
      });

      test('fault add, list and remove manage fault rules; a bad rule exits 2 with one line', async () => {
        const added = await ok(databaseUrl, 'fault', 'add', '--client', 'kasse-pos', '--route', 'POST /pos/v10/pointofsales', '--kind', 'late', '--delay', '2500', '--attempt', '1');
        const ruleId = GUID.exec(added)?.[0];
        assert.ok(ruleId, added);
        assert.equal(added, `fault rule ${ruleId}: call 1 of "kasse-pos" to POST /pos/v10/pointofsales gets late\n`);
        const listed = JSON.parse(await ok(databaseUrl, 'fault', 'list', '--json'));
        assert.deepEqual(
          listed.map((rule: Record<string, unknown>) => [rule.ruleId, rule.clientId, rule.route, rule.attempt, rule.kind, rule.delayMs, rule.callsSeen, rule.origin]),
          [[ruleId, 'kasse-pos', 'POST /pos/v10/pointofsales', 1, 'late', 2500, 0, 'operator']],
        );
        assert.match(await ok(databaseUrl, 'fault', 'list'), /late 2500 ms/);

        for (const [args, message] of [
          [['--client', 'nobody', '--route', 'POST /pos/v10/pointofsales', '--kind', 'error-after'], 'error: unknown client "nobody"\n'],
          [['--client', 'kasse-pos', '--route', 'POST /nothing', '--kind', 'error-after'], 'error: unknown route "POST /nothing" (e.g. "POST /pos/v10/pointofsales")\n'],
          [['--client', 'kasse-pos', '--route', 'POST /pos/v10/pointofsales', '--kind', 'error-after', '--attempt', '0'], 'error: the attempt must be a whole number from 1\n'],
          [['--client', 'kasse-pos', '--route', 'POST /pos/v10/pointofsales', '--kind', 'late', '--delay', '30001'], 'error: the delay must be a whole number of milliseconds from 0 to 30000\n'],
        ] as const) {
          const refused = await posAdmin(databaseUrl, 'fault', 'add', ...args);
          assert.equal(refused.code, 2, refused.stderr);
          assert.equal(refused.stderr, message);
        }

        const inProduction = await posAdminWith({ SANDBOX: 'false' }, databaseUrl, 'fault', 'add', '--client', 'kasse-pos', '--route', 'POST /pos/v10/pointofsales', '--kind', 'error-after');
        assert.equal(inProduction.code, 2);
        assert.equal(inProduction.stderr, 'error: fault rules are a sandbox tool (SANDBOX=true)\n');

        assert.equal(await ok(databaseUrl, 'fault', 'remove', ruleId), `fault rule ${ruleId} removed\n`);
        assert.equal(await ok(databaseUrl, 'fault', 'list'), 'no fault rules\n');
        const gone = await posAdmin(databaseUrl, 'fault', 'remove', ruleId);
        assert.equal(gone.code, 2);
        assert.equal(gone.stderr, `error: no fault rule ${ruleId}\n`);
      });

      test('alias set refuses plain http to a public host but accepts it on loopback', async () => {
        const alias = ['alias', 'set', '--integrator', 'Kasse ApS', '--alias', 'kasse-notify', '--url'];
        const refused = await posAdmin(databaseUrl, ...alias, 'http://example.com');
        assert.equal(refused.code, 2);
        assert.match(refused.stderr, /^error: url "http:\/\/example.com" must be [^\n]*loopback\n$/);
        assert.match(await ok(databaseUrl, ...alias, 'http://127.0.0.1:9999/notify'), /kasse-notify .*http:\/\/127\.0\.0\.1:9999\/notify/);
      });

      test('alias set in production mode refuses http:// and non-public hosts, naming the rule', async () => {
        const alias = ['alias', 'set', '--integrator', 'Kasse ApS', '--alias', 'kasse-prod', '--url'];
        const production = { SANDBOX: 'false' };
        const plain = await posAdminWith(production, databaseUrl, ...alias, 'http://127.0.0.1:9999/notify');
        assert.equal(plain.code, 2);
        assert.equal(plain.stderr, 'error: url "http://127.0.0.1:9999/notify": must be https:// (production mode delivers only to public addresses)\n');
        const internal = await posAdminWith(production, databaseUrl, ...alias, 'https://192.168.0.10/notify');
        assert.equal(internal.code, 2);
        assert.match(internal.stderr, /^error: url "https:\/\/192\.168\.0\.10\/notify": host 192\.168\.0\.10 is a private \(10\/8, 172\.16\/12, 192\.168\/16\) address/);
        assert.match(await okWith(production, databaseUrl, ...alias, 'https://93.184.215.14/notify'), /kasse-prod .*https:\/\/93\.184\.215\.14\/notify/);
      });

      test('notifications lists recent notifications with their attempts', async () => {
        const opened = await openDatabase(parseDatabaseUrl(databaseUrl));
        const id = '00000000-0000-4000-8000-00000000c11e';
        try {
          const url = 'http://127.0.0.1:9999/notify';
          await notificationsRepository.insert(opened.db, { notificationId: id, url, origin: 'http://127.0.0.1:9999', payload: {}, createdAt: 1_000 }, 1_000);
          assert.ok(await notificationsRepository.claim(opened.db, { notificationId: id, attempts: 0 }, { now: 1_000, wallNow: 1_000 }, 'cli-test', 60_000));
          const record = { attemptedAt: 1_000, status: 503, error: null, latencyMs: 12 };
          assert.ok(await notificationsRepository.completeAttempt(opened.db, { notificationId: id, attempts: 0 }, 'cli-test', record, { delivered: false, retryAt: 11_000, error: 'answered 503' }));
        } finally {
          await opened.close();
        }
        assert.deepEqual(JSON.parse(await ok(databaseUrl, 'notifications', '--json')), [
          {
            notificationId: id,
            url: 'http://127.0.0.1:9999/notify',
            createdAt: '1970-01-01T00:00:01.000Z',
            state: 'pending',
            nextAttemptAt: '1970-01-01T00:00:11.000Z',
            attempts: [{ attempt: 1, at: '1970-01-01T00:00:01.000Z', status: 503, error: null, latencyMs: 12 }],
          },
        ]);
        const table = (await ok(databaseUrl, 'notifications')).trimEnd().split('\n');
        assert.match(table[0] ?? '', /^CREATED\s+NOTIFICATION ID\s+URL\s+STATE\s+ATTEMPTS$/);
        assert.match(table[1] ?? '', new RegExp(`^1970-01-01T00:00:01.000Z\\s+${id}\\s+http://127.0.0.1:9999/notify\\s+pending\\s+1: 503 \\(12 ms\\)$`));
      });

      test('keys rotate makes a new signing key active and keeps the previous one for its tokens', async () => {
        const opened = await openDatabase(parseDatabaseUrl(databaseUrl));
        try {
          // The key the server makes at its first start.
          const tokens = new TokenService(opened.db, new Clock(), { issuer: 'http://127.0.0.1/integrator-authentication', lifetimeSeconds: 3700 });
          await tokens.ensureSigningKey();
          const first = (await signingKeysRepository.findActive(opened.db))?.kid;

          const rotated = await ok(databaseUrl, 'keys', 'rotate');
          const kid = rotated.match(/^new signing key: (\S+)$/m)?.[1];
          assert.ok(kid && kid !== first, rotated);
          assert.equal((await signingKeysRepository.findActive(opened.db))?.kid, kid);
          const keys = await signingKeysRepository.listVerifying(opened.db, 0);
          assert.deepEqual(keys.map((k) => k.kid).sort(), [first, kid].sort());
        } finally {
          await opened.close();
        }
      });

      test('store deactivate shows in store list', async () => {
        assert.equal(await ok(databaseUrl, 'store', 'deactivate', activatedStoreId.toUpperCase()), `store ${activatedStoreId} deactivated\n`);
        const stores = JSON.parse(await ok(databaseUrl, 'store', 'list', '--vat', VAT, '--json'));
        assert.deepEqual(
          stores.map((s: { merchantLocationId: string; activated: boolean }) => [s.merchantLocationId, s.activated]),
          [['00001', false], ['00002', false]],
        );
        assert.deepEqual(stores[0], {
          storeId: activatedStoreId,
          merchantBrandId: 'POSDK12345',
          brandName: 'Aurora',
          merchantLocationId: '00001',
          storeName: 'Aurora Nørrebro',
          storeStreet: 'Nørrebrogade 1',
          storeZipCode: '2200',
          storeCity: 'København',
          activated: false,
        });
      });

      test("requests prints a client's calls with too-soon polls and calls outside the contract flagged, and payout run pays the stores out", async () => {
        // A real platform on the same database makes the calls; closing it writes its request log.
        const platform = await createPlatform({ ...loadConfig({ DEMO_DATA: 'false', LOG_LEVEL: 'silent' }), database: parseDatabaseUrl(databaseUrl) });
        let paymentId = '';
        try {
          await applySeed(platform.onboarding, TEST_SEED);
          const app = await buildApp(platform);
          const token = await tokenFor(app);
          paymentId = await capturedPayment(app, token, 25);
          // A repeated capture with the amount as a string (SPEC §2.7): accepted, outside the contract.
          assert.equal((await capture(app, token, paymentId, '25.00')).statusCode, 200);
          await getPayment(app, token, paymentId);
          await getPayment(app, token, paymentId); // at once: sooner than pollDelayInMs
          await app.close();
        } finally {
          await platform.close();
        }

        const calls = JSON.parse(await ok(databaseUrl, 'requests', '--client', CLIENT_1.clientId, '--json'));
        assert.equal(calls.length, 7, 'create + read PoS, initiate, two captures, two polls');
        assert.deepEqual(Object.keys(calls[0]).sort(), ['at', 'correlationId', 'idempotencyKey', 'latencyMs', 'method', 'outsideContract', 'path', 'polledTooSoon', 'status']);
        assert.deepEqual(calls.filter((c: { outsideContract: boolean }) => c.outsideContract).map((c: { path: string }) => c.path), [`/pos/v10/payments/${paymentId}/capture`]);
        const tooSoon = JSON.parse(await ok(databaseUrl, 'requests', '--client', CLIENT_1.clientId, '--too-soon', '--json'));
        assert.deepEqual(tooSoon.map((c: { method: string; path: string }) => `${c.method} ${c.path}`), [`GET /pos/v10/payments/${paymentId}`]);
        const table = await ok(databaseUrl, 'requests', '--client', CLIENT_1.clientId, '--limit', '3');
        assert.match(table, /^TIME\s+METHOD\s+PATH\s+STATUS\s+MS\s+CORRELATION ID\s+IDEMPOTENCY KEY\s+POLLED TOO SOON\s+OUTSIDE CONTRACT\n/);
        const rows = table.trimEnd().split('\n');
        assert.equal(rows.length, 4);
        assert.match(rows[3]!, /\/capture\s.*\bno\s+yes$/, 'the capture with a string amount');
        assert.equal((await posAdmin(databaseUrl, 'requests', '--client', 'x', '--limit', '0')).code, 2);

        assert.equal(await ok(databaseUrl, 'payout', 'run'), 'paid out 1 store\n');
        const opened = await openDatabase(parseDatabaseUrl(databaseUrl));
        try {
          assert.equal(await balancesRepository.balanceOf(opened.db, STORE_A1), 0);
        } finally {
          await opened.close();
        }
        assert.equal(await ok(databaseUrl, 'payout', 'run'), 'paid out 0 stores\n');
      });
    });
  }
});
