/**
 * Two platform processes on one PostgreSQL under a steady load of complete payment flows, one of them killed
 * with SIGKILL every few seconds and restarted at once, as a supervisor would. The load's client behaves as
 * MobilePay asked: a call that got no answer (or a 5xx) is retried with the same idempotency key, on whichever
 * process answers (a balancer's choice). At the end the database must hold every acknowledged operation once:
 * nothing lost, nothing doubled, money and notifications consistent. `npm run soak` prints the figures; a test
 * in test/process runs a shorter version.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { CLIENT, PHONE, SEED, STORE_ID, VAT } from './api.js';
import { freePort, REPO_ROOT } from './processes.js';

const HOST = '127.0.0.1';
const ALIAS = 'soak-notify';
const AMOUNT_MINOR = 1250;
/** Every captured payment is partly refunded; the refund is captured by its timer (REFUND_AUTO_CAPTURE_MS). */
const REFUND_MINOR = 300;
const REFUND_AUTO_CAPTURE_MS = 1000;
/** How long the refunds' timers get to fire once the load has stopped. */
const TIMER_WAIT_MS = 30_000;
const CALL_TIMEOUT_MS = 5000;
/** A call is retried this many times at most (MobilePay: 5); the victim's restart is what it waits out. */
const MAX_TRIES = 60;
const RETRY_PAUSE_MS = 100;
/** Longer than a delivery's lease, so an attempt cut by the last kill is made again within it. */
const NOTIFICATION_WAIT_MS = 60_000;

export interface KillRestartOptions {
  /** postgres://… with `?schema=` naming a schema of the run's own. */
  databaseUrl: string;
  /** How to start a platform process: the node arguments (flags and script), run in the repository root. */
  nodeArgs: string[];
  /** Stop after this many kills. */
  kills: number;
  /** Kill the victim this long after its previous kill (or at once when its restart took longer). */
  killEveryMs: number;
  /** Concurrent payment flows, each on a PoS of its own. */
  workers: number;
}

export interface KillRestartReport {
  kills: number;
  elapsedMs: number;
  /** From each SIGKILL until the restarted process answered GET /healthz. */
  restartMs: number[];
  flows: number;
  /** Calls that got no answer or a 5xx and were sent again. */
  retries: number;
  notifications: { queued: number; received: number };
  /** Every inconsistency found; empty when nothing was lost, doubled or left inconsistent. */
  problems: string[];
}

interface Platform {
  url: string;
  child: ChildProcess;
}

class Unanswered extends Error {}

export async function runKillRestart(options: KillRestartOptions): Promise<KillRestartReport> {
  const dir = await mkdtemp(join(tmpdir(), 'pos-soak-'));
  const receiver = await startReceiver();
  const seedFile = join(dir, 'seed.json');
  const integrator = { ...SEED.integrators[0]!, callbackAliases: [{ alias: ALIAS, url: receiver.url }] };
  await writeFile(seedFile, JSON.stringify({ ...SEED, integrators: [integrator] }));
  const [portA, portB] = [await freePort(), await freePort()];
  const env = {
    DATABASE_URL: options.databaseUrl,
    SEED_FILE: seedFile,
    DEMO_DATA: 'false',
    SANDBOX: 'true',
    ADMIN_TOKEN: randomBytes(24).toString('hex'),
    LOG_LEVEL: 'warn',
    // Timers fire during the run, across the kills: each refund is captured by its own a second after it is made.
    REFUND_AUTO_CAPTURE_MS: String(REFUND_AUTO_CAPTURE_MS),
    // Both behind one (imagined) balancer: each accepts the other's tokens.
    PUBLIC_URL: 'http://pos.soak.test',
  };
  const start = (port: number) => startProcess(options.nodeArgs, { ...env, PORT: String(port) });

  let steady: Platform | undefined;
  let victim: Platform | undefined;
  try {
    steady = await start(portA);
    victim = await start(portB);
    const bases = [steady.url, victim.url];
    const client = new Client(bases, await token(steady.url));
    const points = await Promise.all(Array.from({ length: options.workers }, () => client.createPos()));

    const begun = Date.now();
    let stopping = false;
    const flows = points.map(async (pos) => {
      while (!stopping) await client.flow(pos);
    });

    const restartMs: number[] = [];
    let lastKill = Date.now();
    for (let kills = 0; kills < options.kills; kills++) {
      await sleep(Math.max(0, lastKill + options.killEveryMs - Date.now()));
      lastKill = Date.now();
      const exited = once(victim.child, 'exit');
      victim.child.kill('SIGKILL');
      await exited;
      victim = await start(portB);
      restartMs.push(Date.now() - lastKill);
    }
    stopping = true;
    await Promise.all(flows);
    const elapsedMs = Date.now() - begun;

    const problems = [...client.problems, ...(await checkDatabase(options.databaseUrl, client))];
    const notifications = await checkNotifications(options.databaseUrl, receiver.received, problems);
    return { kills: restartMs.length, elapsedMs, restartMs, flows: client.completed.length, retries: client.retries, notifications, problems };
  } finally {
    for (const platform of [steady, victim]) platform?.child.kill('SIGKILL');
    receiver.server.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Starts a platform process and answers once GET /healthz is 200. */
async function startProcess(nodeArgs: string[], env: Record<string, string>): Promise<Platform> {
  const child = spawn(process.execPath, nodeArgs, { cwd: REPO_ROOT, env: { ...process.env, ...env, HOST }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const url = `http://${HOST}:${env.PORT}`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`platform exited at start (${child.exitCode}): ${stderr}`);
    const healthy = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) }).then((r) => r.ok, () => false);
    if (healthy) return { url, child };
    await sleep(20);
  }
  child.kill('SIGKILL');
  throw new Error(`platform not healthy within 60 s: ${stderr}`);
}

/** The integrator's callback endpoint: counts what it receives, by PosId. */
async function startReceiver(): Promise<{ server: Server; url: string; received: Map<string, number> }> {
  const received = new Map<string, number>();
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const { PosId } = JSON.parse(body) as { PosId: string };
      received.set(PosId, (received.get(PosId) ?? 0) + 1);
      response.writeHead(200).end();
    });
  });
  server.listen(0, HOST);
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  return { server, url: `http://${HOST}:${port}/notify`, received };
}

async function token(base: string): Promise<string> {
  const response = await fetch(`${base}/integrator-authentication/connect/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${CLIENT.clientId}:${CLIENT.clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
  });
  if (!response.ok) throw new Error(`token: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

interface Pos {
  posId: string;
  beaconId: string;
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

/** A v10 client that retries as MobilePay asked, and remembers what the platform acknowledged. */
class Client {
  readonly problems: string[] = [];
  /** Payments whose whole flow was acknowledged: created (by this key and order id), captured and refunded. */
  readonly completed: Array<{ paymentId: string; orderId: string; idempotencyKey: string; refundId: string }> = [];
  retries = 0;
  #next = 0;

  constructor(
    private readonly bases: string[],
    private readonly token: string,
  ) {}

  /**
   * Sends a call, alternating between the processes as a balancer would, and sends it again (same key) while
   * it gets no answer or a 5xx. A 4xx is an answer.
   */
  async send(method: string, path: string, body?: unknown, idempotencyKey?: string): Promise<Answer & { retried: boolean }> {
    for (let attempt = 0; attempt < MAX_TRIES; attempt++) {
      const base = this.bases[this.#next++ % this.bases.length]!;
      try {
        const response = await fetch(`${base}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${this.token}`,
            'x-mobilepay-client-system-version': '1.0.0',
            'x-mobilepay-merchant-vat-number': VAT,
            ...(idempotencyKey ? { 'x-mobilepay-idempotency-key': idempotencyKey } : {}),
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
        });
        const text = await response.text();
        if (response.status < 500) return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, retried: attempt > 0 };
      } catch {
        // no answer: the process died under the call, or is restarting
      }
      this.retries++;
      await sleep(RETRY_PAUSE_MS);
    }
    throw new Unanswered(`${method} ${path}: no answer in ${MAX_TRIES} tries`);
  }

  async createPos(): Promise<Pos> {
    const created = await this.send('POST', '/pos/v10/pointofsales', { merchantPosId: `till-${randomUUID().slice(0, 8)}`, storeId: STORE_ID, name: 'Soak till', supportedBeaconTypes: ['QR'], callbackAlias: ALIAS }, randomUUID());
    const posId = created.body.posId as string;
    const read = await this.send('GET', `/pos/v10/pointofsales/${posId}`);
    return { posId, beaconId: read.body.beaconId as string };
  }

  /** initiate → check in → accept → capture → refund; any answer but the flow's own is a problem. */
  async flow(pos: Pos): Promise<void> {
    try {
      const orderId = `order-${randomUUID().slice(0, 12)}`;
      const idempotencyKey = randomUUID();
      const initiated = await this.send('POST', '/pos/v10/payments', { posId: pos.posId, orderId, amount: AMOUNT_MINOR / 100, currencyCode: 'DKK', plannedCaptureDelay: 'None' }, idempotencyKey);
      if (initiated.status !== 200) return this.#problem(`initiate ${orderId}`, initiated);
      const paymentId = initiated.body.paymentId as string;

      const checkin = await this.send('POST', '/pos/app/usersimulation/checkin', { beaconId: pos.beaconId, phoneNumber: PHONE });
      if (checkin.status !== 200) return this.#problem(`check-in for ${paymentId}`, checkin);
      const accepted = await this.send('POST', '/pos/app/usersimulation/acceptpayment', { beaconId: pos.beaconId, phoneNumber: PHONE });
      // A retried accept whose first attempt went through finds no payment awaiting the customer: it is Reserved.
      if (accepted.status !== 200 && !(accepted.retried && (await this.#status(paymentId)) === 'Reserved')) {
        return this.#problem(`accept of ${paymentId}`, accepted);
      }
      const captured = await this.send('POST', `/pos/v10/payments/${paymentId}/capture`, { amount: AMOUNT_MINOR / 100 });
      if (captured.status !== 200) return this.#problem(`capture of ${paymentId}`, captured);
      const refund = { paymentId, refundOrderId: `refund-${orderId}`, amount: REFUND_MINOR / 100, currencyCode: 'DKK' };
      const refunded = await this.send('POST', '/pos/v10/refunds', refund, randomUUID());
      if (refunded.status !== 200) return this.#problem(`refund of ${paymentId}`, refunded);
      this.completed.push({ paymentId, orderId, idempotencyKey, refundId: refunded.body.refundId as string });
    } catch (error) {
      if (!(error instanceof Unanswered)) throw error;
      this.problems.push(error.message);
    }
  }

  async #status(paymentId: string): Promise<unknown> {
    return (await this.send('GET', `/pos/v10/payments/${paymentId}`)).body.status;
  }

  #problem(what: string, answer: Answer): void {
    this.problems.push(`${what}: ${answer.status} ${JSON.stringify(answer.body)}`);
  }
}

async function withDatabase<T>(databaseUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const url = new URL(databaseUrl);
  const schema = url.searchParams.get('schema');
  url.searchParams.delete('schema');
  const client = new pg.Client({ connectionString: url.toString(), ...(schema ? { options: `-c search_path=${schema}` } : {}) });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** What the database must hold after the run, given what the client was told. */
async function checkDatabase(databaseUrl: string, client: Client): Promise<string[]> {
  return withDatabase(databaseUrl, async (db) => {
    const problems: string[] = [];
    const doubled = await db.query<{ order_id: string; n: number }>('select order_id, count(*)::int as n from payments group by order_id having count(*) > 1');
    for (const { order_id, n } of doubled.rows) problems.push(`order ${order_id} has ${n} payments`);
    const doubledRefunds = await db.query<{ payment_id: string; n: number }>('select payment_id, count(*)::int as n from refunds group by payment_id having count(*) > 1');
    for (const { payment_id, n } of doubledRefunds.rows) problems.push(`payment ${payment_id} has ${n} refunds`);

    const { rows } = await db.query<{ payment_id: string; order_id: string; status: string; captured_amount: string | null; refunded_amount: string }>(
      'select payment_id, order_id, status, captured_amount, refunded_amount from payments',
    );
    const byId = new Map(rows.map((row) => [row.payment_id, row]));
    for (const { paymentId, orderId } of client.completed) {
      const row = byId.get(paymentId);
      if (!row) problems.push(`acknowledged payment ${paymentId} is lost`);
      else if (row.order_id !== orderId || row.status !== 'Captured' || Number(row.captured_amount) !== AMOUNT_MINOR || Number(row.refunded_amount) !== REFUND_MINOR) {
        problems.push(`acknowledged payment ${paymentId} is ${row.status} (${row.captured_amount} captured, ${row.refunded_amount} refunded, order ${row.order_id})`);
      }
    }

    // Every refund's timer fires, whichever process is alive when it is due, and captures it once.
    const deadline = Date.now() + TIMER_WAIT_MS;
    let reserved = Infinity;
    while (reserved > 0 && Date.now() < deadline) {
      reserved = (await db.query<{ n: number }>("select count(*)::int as n from refunds where status = 'Reserved'")).rows[0]!.n;
      if (reserved > 0) await sleep(200);
    }
    const refunds = await db.query<{ refund_id: string; status: string; amount: string }>('select refund_id, status, amount from refunds');
    const refundById = new Map(refunds.rows.map((row) => [row.refund_id, row]));
    for (const { refundId } of client.completed) {
      const row = refundById.get(refundId);
      if (!row) problems.push(`acknowledged refund ${refundId} is lost`);
      else if (row.status !== 'ExpiredAndCaptured' || Number(row.amount) !== REFUND_MINOR) problems.push(`acknowledged refund ${refundId} is ${row.status} (${row.amount})`);
    }

    // The store's money: what it holds plus what it was paid out is what its payments captured, less refunds.
    const money = await db.query<{ captured: string; refunded: string; held: string; paid: string }>(
      `select (select coalesce(sum(captured_amount), 0) from payments where status = 'Captured') as captured,
              (select coalesce(sum(amount), 0) from refunds where status not like 'Cancelled%') as refunded,
              (select coalesce(sum(balance), 0) from store_balances) as held,
              (select coalesce(sum(amount), 0) from payouts) as paid`,
    );
    const { captured, refunded, held, paid } = money.rows[0]!;
    if (Number(captured) - Number(refunded) !== Number(held) + Number(paid)) {
      problems.push(`captured ${captured} and refunded ${refunded}, but the stores hold ${held} and were paid ${paid}`);
    }
    return problems;
  });
}

/**
 * Every check-in queued a notification (the PoS have a callback alias); each must reach the receiver, at least
 * once (a process killed between the receiver's answer and recording it sends it again), within a bounded wait:
 * an attempt cut by a kill is made again once its lease has run out (the 5 s timeout plus 30 s).
 */
async function checkNotifications(databaseUrl: string, received: Map<string, number>, problems: string[]): Promise<KillRestartReport['notifications']> {
  return withDatabase(databaseUrl, async (db) => {
    const deadline = Date.now() + NOTIFICATION_WAIT_MS;
    let pending = Infinity;
    while (pending > 0 && Date.now() < deadline) {
      pending = (await db.query<{ n: number }>('select count(*)::int as n from notifications where delivered_at is null')).rows[0]!.n;
      if (pending > 0) await sleep(200);
    }
    if (pending > 0) problems.push(`${pending} notifications still undelivered ${NOTIFICATION_WAIT_MS / 1000} s after the load stopped`);
    const queued = await db.query<{ pos_id: string; n: number }>(
      `select payload::json->>'PosId' as pos_id, count(*)::int as n from notifications group by 1`,
    );
    let total = 0;
    for (const { pos_id, n } of queued.rows) {
      total += n;
      if ((received.get(pos_id) ?? 0) < n) problems.push(`PoS ${pos_id}: ${n} notifications queued, ${received.get(pos_id) ?? 0} received`);
    }
    return { queued: total, received: [...received.values()].reduce((a, b) => a + b, 0) };
  });
}
