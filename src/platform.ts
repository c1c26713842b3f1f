import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Metric } from 'prom-client';
import { Clock } from './clock.js';
import type { Config } from './config.js';
import { openDatabase, type Db, type OpenDatabase } from './store/database.js';
import { migrateToLatest } from './store/migrate.js';
import { paymentChangeDelays } from './store/payment-cache.js';
import { DueTimers } from './jobs/due-timers.js';
import { DEFAULT_DELIVERY_LIMITS, NotificationDeliveries, type DeliveryLimits } from './jobs/notification-deliveries.js';
import { CallbackUrlRule } from './services/callback-urls.js';
import { AccessSnapshot } from './services/access.js';
import { CustomerSide } from './services/customer-side.js';
import { FaultRules, FaultSnapshot } from './services/fault-injection.js';
import { BUILT_IN_TEST_USERS, DEMO_SEED } from './services/demo-data.js';
import { Idempotency } from './services/idempotency.js';
import { Onboarding } from './services/onboarding.js';
import { Notifications } from './services/notifications.js';
import { PaymentPolls } from './services/payment-polls.js';
import { PaymentsService } from './services/payments.js';
import { Payouts } from './services/payouts.js';
import { PointsOfSaleService } from './services/points-of-sale.js';
import { RefundsService } from './services/refunds.js';
import { RequestLog } from './services/request-log.js';
import { SandboxClock } from './services/sandbox-clock.js';
import { applySeed, readSeedFile } from './services/seed.js';
import { integratorsRepository } from './store/repositories/integrators.js';
import { StoresService } from './services/stores.js';
import { TokenService } from './services/tokens.js';
import { Wallet } from './services/wallet.js';

/** Everything the HTTP layer and the background jobs work with: the composition root's product. */
export interface Platform {
  config: Config;
  clock: Clock;
  db: Db;
  engine: OpenDatabase['engine'];
  adminToken: string;
  /** True when the admin token was generated at this start (and must be printed for the operator). */
  adminTokenGenerated: boolean;
  issuer: string;
  tokens: TokenService;
  /** Links and disabled clients, in memory, kept up with other processes' changes. */
  access: AccessSnapshot;
  /** The fault rules to apply, in memory, kept up with other processes' changes. */
  faults: FaultSnapshot;
  /** Where fault rules are made and removed (the operator, certification). */
  faultRules: FaultRules;
  onboarding: Onboarding;
  stores: StoresService;
  pointsOfSale: PointsOfSaleService;
  idempotency: Idempotency;
  payments: PaymentsService;
  /** The polling read model: answers to GET /pos/v10/payments/{id}, from memory where it may. */
  paymentPolls: PaymentPolls;
  refunds: RefundsService;
  customerSide: CustomerSide;
  wallet: Wallet;
  /** The notification delivery worker: woken by check-ins and the sandbox clock, polling once started. */
  deliveries: NotificationDeliveries;
  sandboxClock: SandboxClock;
  dueTimers: DueTimers;
  requestLog: RequestLog;
  /** Figures of the platform's parts for /metrics, beside the HTTP layer's own (PostgreSQL: the cache's drop delay). */
  metrics: Metric[];
  close(): Promise<void>;
}

export interface PlatformOptions {
  clock?: Clock;
  /**
   * Where its warnings go: an unlinked integrator at start, a failed access reload or notification delivery, a
   * lost connection of the payment change feed
   */
  logger?: Pick<Logger, 'warn'>;
  /** Bounds and timeout of notification deliveries (tests shorten them) */
  deliveryLimits?: Partial<DeliveryLimits>;
}

export const baseUrlOf = (config: Config): string =>
  config.publicUrl?.replace(/\/$/, '') ?? `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`;

/**
 * Opens the database, migrates it, and makes sure the platform can run: a signing key, the built-in test
 * users, then the demo dataset and/or the seed file (each applied idempotently).
 */
export async function createPlatform(config: Config, options: PlatformOptions = {}): Promise<Platform> {
  const clock = options.clock ?? new Clock();
  const opened = await openDatabase(config.database, {
    serve: true,
    onFeedError: (err) => options.logger?.warn({ err }, 'the payment change feed lost its connection; reconnecting'),
  });
  const access = new AccessSnapshot(opened.db);
  const faults = new FaultSnapshot(opened.db);
  try {
    await migrateToLatest(opened);
    const db = opened.db;
    const issuer = `${baseUrlOf(config)}/integrator-authentication`;
    const tokens = new TokenService(db, clock, { issuer, lifetimeSeconds: config.tokenLifetimeSeconds, access });
    await tokens.ensureSigningKey();

    const callbackUrls = new CallbackUrlRule(config.sandbox);
    const onboarding = new Onboarding(db, clock, callbackUrls, () => access.reload());
    if (config.sandbox) await applySeed(onboarding, { users: BUILT_IN_TEST_USERS }, 'built-in test users');
    if (config.demoData) await applySeed(onboarding, DEMO_SEED, 'demo data');
    if (config.seedFile) await applySeed(onboarding, await readSeedFile(config.seedFile), config.seedFile);
    await access.reload();
    access.start((err) => options.logger?.warn({ err }, 'access check failed'));
    // Fault rules apply only in sandbox mode (http/app.ts): production neither loads nor watches them.
    if (config.sandbox) {
      await faults.reload();
      faults.start((err) => options.logger?.warn({ err }, 'fault rules check failed'));
    }
    for (const name of await integratorsRepository.listUnlinkedNames(db)) {
      options.logger?.warn(`integrator "${name}" is linked to no merchant: its calls are refused (pos-admin integrator link)`);
    }

    // Platform time: the sandbox clock's offset is shared through the database (SPEC §9).
    const sandboxClock = new SandboxClock(db, clock);
    if (config.sandbox) await sandboxClock.sync();
    const payouts = new Payouts(db, clock);
    await payouts.ensureScheduled();

    const { timings, pollDelayMs } = config;
    const payments = new PaymentsService(db, clock, access, timings);
    const refunds = new RefundsService(db, clock, access, timings, pollDelayMs);
    const deliveries = new NotificationDeliveries(db, clock, callbackUrls, { ...DEFAULT_DELIVERY_LIMITS, ...options.deliveryLimits }, (err) =>
      options.logger?.warn({ err }, 'notification delivery failed'),
    );
    const notifications = new Notifications(clock, () => deliveries.wake());
    const customerSide = new CustomerSide(db, clock, timings, notifications);
    const requestLog = new RequestLog(db, clock, pollDelayMs, (calls) =>
      options.logger?.warn(`the request log could not be written for long: ${calls} of its oldest calls were dropped`),
    );
    return {
      config,
      clock,
      db,
      engine: opened.engine,
      adminToken: config.adminToken ?? randomBytes(24).toString('base64url'),
      adminTokenGenerated: config.adminToken === undefined,
      issuer,
      tokens,
      access,
      faults,
      faultRules: new FaultRules(db, clock, () => faults.reload()),
      onboarding,
      stores: new StoresService(db, access),
      pointsOfSale: new PointsOfSaleService(db, clock, access),
      idempotency: new Idempotency(db, clock),
      payments,
      paymentPolls: new PaymentPolls(db, access, pollDelayMs),
      refunds,
      customerSide,
      wallet: new Wallet(db, clock),
      sandboxClock,
      deliveries,
      dueTimers: new DueTimers(db, clock, payments, refunds, customerSide, payouts),
      requestLog,
      metrics: [paymentChangeDelays(db)].filter((metric) => metric !== undefined),
      async close() {
        await deliveries.stop();
        await access.stop();
        await faults.stop();
        await requestLog.stop();
        await opened.close();
      },
    };
  } catch (error) {
    await access.stop();
    await faults.stop();
    await opened.close();
    throw error;
  }
}
