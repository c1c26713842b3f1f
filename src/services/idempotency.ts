import { createHash } from 'node:crypto';
import type { Clock } from '../clock.js';
import { DAY } from '../domain/durations.js';
import { DomainError } from '../domain/errors.js';
import type { Db } from '../store/database.js';
import { idempotencyKeysRepository, type IdempotencyScope } from '../store/repositories/idempotency-keys.js';

/** How long a key is remembered. MobilePay promised at least 24 hours; we keep two days. */
export const IDEMPOTENCY_RETENTION_MS = 2 * DAY;

export interface IdempotentRequest extends IdempotencyScope {
  /** The validated request body; a retry must send the same one. */
  body: unknown;
}

export interface StoredResponse<T> {
  body: T;
  /** True when this is a retry answered from the first call's stored response. */
  replayed: boolean;
}

/** JSON with object keys sorted, so two bodies that differ only in key order hash the same. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

/**
 * The idempotency mechanism every creating POST uses (PoS, payments, prepare, refunds).
 * The key is claimed in the same transaction as the operation: concurrent retries with one key wait for the
 * first to finish and then replay its stored response, so exactly one resource is created. A failed operation
 * rolls its claim back with it, so a retry after a refusal runs again.
 */
export class Idempotency {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  async run<T>(request: IdempotentRequest, operation: (trx: Db) => Promise<T>): Promise<StoredResponse<T>> {
    const requestHash = createHash('sha256').update(canonicalJson(request.body)).digest('hex');

    return this.db.transaction().execute(async (trx) => {
      if (!(await idempotencyKeysRepository.claim(trx, request, requestHash, this.clock.wallNow()))) {
        const stored = await idempotencyKeysRepository.find(trx, request);
        if (!stored) throw new Error('idempotency key vanished between claim and read');
        if (stored.requestHash !== requestHash) throw new DomainError('IDEMPOTENCY_KEY_REUSED');
        return { body: stored.responseBody as T, replayed: true };
      }
      const body = await operation(trx);
      // Every creating POST of v10 answers 200, so the body is all a retry needs.
      await idempotencyKeysRepository.saveResponse(trx, request, body);
      return { body, replayed: false };
    });
  }

  purgeExpired(): Promise<number> {
    return idempotencyKeysRepository.purgeOlderThan(this.db, this.clock.wallNow() - IDEMPOTENCY_RETENTION_MS);
  }
}
