import { compiledOnce } from '../compiled-once.js';
import type { Db } from '../database.js';

/** Keys are scoped per integrator and endpoint. */
export interface IdempotencyScope {
  integratorId: string;
  /** e.g. "POST /pos/v10/pointofsales" */
  endpoint: string;
  key: string;
}

/** The first call made with a key: a hash of its request, and its response body. */
export interface ClaimedKey {
  requestHash: string;
  responseBody: unknown;
}

// Compiled once, both on every creating POST: parameters in the order the placeholders appear in the SQL.
const claimKey = compiledOnce((db) =>
  db
    .insertInto('idempotency_keys')
    .values({ integrator_id: '', endpoint: '', idempotency_key: '', request_hash: '', response_body: '', created_at: 0 })
    .onConflict((oc) => oc.columns(['integrator_id', 'endpoint', 'idempotency_key']).doNothing())
    .returning('idempotency_key'),
);
const saveKeyResponse = compiledOnce((db) =>
  db
    .updateTable('idempotency_keys')
    .set({ response_body: '' })
    .where('integrator_id', '=', '')
    .where('endpoint', '=', '')
    .where('idempotency_key', '=', ''),
);

export const idempotencyKeysRepository = {
  /**
   * Claims a key by inserting its row; false when the key is already there. On PostgreSQL a concurrent claim
   * of the same key waits here until the first transaction ends, which is what serializes retries.
   */
  async claim(db: Db, scope: IdempotencyScope, requestHash: string, at: number): Promise<boolean> {
    // An unanswered claim: an empty body until saveResponse.
    const rows = await claimKey(db, [scope.integratorId, scope.endpoint, scope.key, requestHash, '', at]);
    return rows.length === 1;
  },

  /** A claimed key with its saved response (a claim and its response commit together). */
  async find(db: Db, scope: IdempotencyScope): Promise<ClaimedKey | undefined> {
    const row = await db
      .selectFrom('idempotency_keys')
      .select(['request_hash', 'response_body'])
      .where('integrator_id', '=', scope.integratorId)
      .where('endpoint', '=', scope.endpoint)
      .where('idempotency_key', '=', scope.key)
      .executeTakeFirst();
    return row && { requestHash: row.request_hash, responseBody: JSON.parse(row.response_body) as unknown };
  },

  /** Saves the response to replay for a retry, as JSON. */
  async saveResponse(db: Db, scope: IdempotencyScope, body: unknown): Promise<void> {
    await saveKeyResponse(db, [JSON.stringify(body), scope.integratorId, scope.endpoint, scope.key]);
  },

  async purgeOlderThan(db: Db, before: number): Promise<number> {
    const result = await db.deleteFrom('idempotency_keys').where('created_at', '<', before).executeTakeFirst();
    return Number(result.numDeletedRows);
  },
};
