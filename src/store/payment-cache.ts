import type { Db } from './database.js';
import type { Payment } from './schema.js';

/** Payments kept at most; a shop polls its few active payments, so this is plenty. */
const MAX_ENTRIES = 10_000;

/**
 * Payments as last read, so a poll (`GET /pos/v10/payments/{id}`, the most frequent call) is answered without a
 * query. Valid only while this process is the database's one writer of payments, which is why only the
 * embedded SQLite engine enables it (several processes share a PostgreSQL).
 *
 * Every write of a payment invalidates its entry and bumps the generation; a read stores what it found only if
 * no write happened while it was reading, so a read that raced a write never keeps the old row. Writes inside a
 * transaction invalidate before the transaction commits, and reads through a transaction never fill the cache,
 * so uncommitted or rolled-back rows are never served.
 */
class PaymentCache {
  readonly #rows = new Map<string, Payment>();
  #generation = 0;

  peek(paymentId: string): Payment | undefined {
    return this.#rows.get(paymentId);
  }

  async read(db: Db, paymentId: string, load: () => Promise<Payment | undefined>): Promise<Payment | undefined> {
    const cached = this.#rows.get(paymentId);
    if (cached || db.isTransaction) return cached ?? load();
    const generation = this.#generation;
    const row = await load();
    if (row && generation === this.#generation) {
      if (this.#rows.size >= MAX_ENTRIES) this.#rows.delete(this.#rows.keys().next().value as string);
      this.#rows.set(paymentId, row);
    }
    return row;
  }

  invalidate(paymentId: string): void {
    this.#generation++;
    this.#rows.delete(paymentId);
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
export function readPayment(db: Db, paymentId: string, load: () => Promise<Payment | undefined>): Promise<Payment | undefined> {
  const cache = cacheOf(db);
  return cache ? cache.read(db, paymentId, load) : load();
}

/** The cached row, without waiting; undefined when the engine has no cache or the payment is not in it. */
export function cachedPayment(db: Db, paymentId: string): Payment | undefined {
  return cacheOf(db)?.peek(paymentId);
}

/** Every write of a payment calls this before it runs. */
export function invalidatePayment(db: Db, paymentId: string): void {
  cacheOf(db)?.invalidate(paymentId);
}
