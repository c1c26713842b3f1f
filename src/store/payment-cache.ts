import type { PaymentRecord } from '../domain/payment.js';
import type { Db } from './database.js';

/** Payments kept at most; a shop polls its few active payments, so this is plenty. */
const MAX_ENTRIES = 10_000;

/**
 * Payments as last read, so a poll (`GET /pos/v10/payments/{id}`, the most frequent call) is answered without a
 * query. It holds records, mapped from their row once when loaded, so a cached poll maps nothing. Valid only while this process is the database's one writer of payments, which is why only the
 * embedded SQLite engine enables it (several processes share a PostgreSQL).
 *
 * Every write of a payment invalidates its entry and bumps the generation; a read stores what it found only if
 * no write happened while it was reading, so a read that raced a write never keeps the old payment. Writes inside
 * a transaction invalidate before the transaction commits, and reads through a transaction never fill the cache,
 * so uncommitted or rolled-back payments are never served.
 */
class PaymentCache {
  readonly #payments = new Map<string, PaymentRecord>();
  #generation = 0;

  peek(paymentId: string): PaymentRecord | undefined {
    return this.#payments.get(paymentId);
  }

  async read(db: Db, paymentId: string, load: () => Promise<PaymentRecord | undefined>): Promise<PaymentRecord | undefined> {
    const cached = this.#payments.get(paymentId);
    if (cached || db.isTransaction) return cached ?? load();
    const generation = this.#generation;
    const payment = await load();
    if (payment && generation === this.#generation) {
      if (this.#payments.size >= MAX_ENTRIES) this.#payments.delete(this.#payments.keys().next().value as string);
      this.#payments.set(paymentId, payment);
    }
    return payment;
  }

  invalidate(paymentId: string): void {
    this.#generation++;
    this.#payments.delete(paymentId);
  }
}

// Keyed by the dialect adapter, which a database shares with its transactions (see compiled-once.ts).
const caches = new WeakMap<object, PaymentCache>();
const cacheOf = (db: Db) => caches.get(db.getExecutor().adapter);

/** Turns the cache on for a database this process alone writes (openDatabase decides). */
export function enablePaymentCache(db: Db): void {
  caches.set(db.getExecutor().adapter, new PaymentCache());
}

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
