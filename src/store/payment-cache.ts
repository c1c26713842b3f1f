import { Histogram } from 'prom-client';
import type { PaymentRecord } from '../domain/payment.js';
import type { Db } from './database.js';
import type { PaymentChangeListener } from './payment-change-feed.js';

/** Payments kept at most; a shop polls its few active payments, so this is plenty. */
const MAX_ENTRIES = 10_000;

/**
 * How long a payment this process wrote is not cached while the database's word of its commit has not come
 * (the feed's notification arrives within milliseconds; a rolled-back write or a conditional update that changed
 * nothing sends none, so the wait ends by itself).
 */
const UNCONFIRMED_MS = 2_000;

/** Commit-to-drop delays, seconds: a notification normally arrives well under a millisecond after the commit. */
const DELAY_BUCKETS = [0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1];

/** The wall clock in epoch milliseconds with sub-millisecond precision, to compare with the database's. */
const epochMs = () => performance.timeOrigin + performance.now();

/**
 * Payments as last read, so a poll (`GET /pos/v10/payments/{id}`, the most frequent call) is answered without a
 * query. It holds records, mapped from their row once when loaded, so a cached poll maps nothing. The polling
 * read model (services/payment-polls.ts) reads it; that file gives the whole picture, this one the mechanism.
 *
 * What drops an entry:
 * - every write of a payment by this process, before the write runs;
 * - on PostgreSQL, where several processes write, the change feed: the database tells every process of every
 *   committed change (store/payment-change-feed.ts). While the feed is not listening (before its first LISTEN,
 *   after a lost connection) nothing is cached, and everything held is dropped when it stops and again when it
 *   listens again. A payment this process wrote is not cached until the feed has brought its commit, so a
 *   concurrent read of the row as it was before the commit is not kept.
 *
 * Why a read never keeps an old payment: it stores what it found only if no write of that payment (local, or
 * from the feed) happened while it was reading. Reads through a transaction never fill the cache, so uncommitted
 * or rolled-back payments are never served. So on SQLite (one writer) a poll never sees an old payment; on
 * PostgreSQL another process's commit is seen by a poll here once the feed's notification has arrived (the delay
 * is measured: `delays`).
 */
class PaymentCache implements PaymentChangeListener {
  readonly #payments = new Map<string, PaymentRecord>();
  /** Reads in flight, by payment: a read keeps what it found only if its ticket is still here when it ends. */
  readonly #reads = new Map<string, object>();
  /** With a feed: payments this process wrote whose commit the feed has not brought yet, with when to stop waiting. */
  readonly #unconfirmed = new Map<string, number>();
  readonly #followsFeed: boolean;
  /** False while the feed this cache follows is not listening: nothing is cached then. */
  #live: boolean;
  /** With a feed: the delay from a change's publication in the database to its drop here. */
  readonly delays: Histogram | undefined;

  constructor(followsFeed: boolean) {
    this.#followsFeed = followsFeed;
    this.#live = !followsFeed;
    this.delays = followsFeed ? newDelayHistogram() : undefined;
  }

  peek(paymentId: string): PaymentRecord | undefined {
    return this.#payments.get(paymentId);
  }

  async read(db: Db, paymentId: string, load: () => Promise<PaymentRecord | undefined>): Promise<PaymentRecord | undefined> {
    const cached = this.#payments.get(paymentId);
    if (cached) return cached;
    if (db.isTransaction || !this.#live) return load();
    const ticket = {};
    this.#reads.set(paymentId, ticket);
    const payment = await load();
    if (this.#reads.get(paymentId) === ticket) {
      this.#reads.delete(paymentId);
      if (payment && this.#confirmed(paymentId)) {
        if (this.#payments.size >= MAX_ENTRIES) this.#payments.delete(this.#payments.keys().next().value as string);
        this.#payments.set(paymentId, payment);
      }
    }
    return payment;
  }

  invalidate(paymentId: string): void {
    this.#payments.delete(paymentId);
    this.#reads.delete(paymentId);
    if (this.#followsFeed) this.#unconfirmed.set(paymentId, performance.now() + UNCONFIRMED_MS);
  }

  changed(paymentId: string, publishedAt: number): void {
    this.#payments.delete(paymentId);
    this.#reads.delete(paymentId);
    this.#unconfirmed.delete(paymentId);
    this.delays?.observe(Math.max(0, epochMs() - publishedAt) / 1000);
  }

  listening(): void {
    this.#forgetAll();
    this.#live = true;
  }

  lost(): void {
    this.#live = false;
    this.#forgetAll();
  }

  #forgetAll(): void {
    this.#payments.clear();
    this.#reads.clear();
    this.#unconfirmed.clear();
  }

  #confirmed(paymentId: string): boolean {
    const until = this.#unconfirmed.get(paymentId);
    if (until === undefined) return true;
    if (performance.now() < until) return false;
    this.#unconfirmed.delete(paymentId);
    return true;
  }
}

const newDelayHistogram = () =>
  new Histogram({
    name: 'payment_change_drop_delay_seconds',
    help: "Time from a payment change published in PostgreSQL (by any process) to its drop from this process's payment cache.",
    buckets: DELAY_BUCKETS,
    registers: [],
  });

// Keyed by the dialect adapter, which a database shares with its transactions (see compiled-once.ts).
const caches = new WeakMap<object, PaymentCache>();
const cacheOf = (db: Db) => caches.get(db.getExecutor().adapter);

/**
 * Turns the cache on (openDatabase decides): for a database this process alone writes, or, `followsFeed`, one
 * whose changes by every process a change feed reports (the returned cache is the feed's listener).
 */
export function enablePaymentCache(db: Db, followsFeed = false): PaymentChangeListener {
  const cache = new PaymentCache(followsFeed);
  caches.set(db.getExecutor().adapter, cache);
  return cache;
}

/** The commit-to-drop delay histogram of a database whose cache follows a change feed, for /metrics. */
export const paymentChangeDelays = (db: Db): Histogram | undefined => cacheOf(db)?.delays;

/** Reads a payment through the cache when the database has one, else with `load`. */
export function readPayment(db: Db, paymentId: string, load: () => Promise<PaymentRecord | undefined>): Promise<PaymentRecord | undefined> {
  const cache = cacheOf(db);
  return cache ? cache.read(db, paymentId, load) : load();
}

/** The cached payment, without waiting; undefined when the engine has no cache or the payment is not in it. */
export function cachedPayment(db: Db, paymentId: string): PaymentRecord | undefined {
  return cacheOf(db)?.peek(paymentId);
}

/** Every write of a payment calls this before it runs. */
export function invalidatePayment(db: Db, paymentId: string): void {
  cacheOf(db)?.invalidate(paymentId);
}
