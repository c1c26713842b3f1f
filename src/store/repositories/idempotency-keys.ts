import { compiledOnce } from '../compiled-once.js';
import type { Db } from '../database.js';
import type { IdempotencyRecord } from '../schema.js';

export type IdempotencyScope = Pick<IdempotencyRecord, 'integrator_id' | 'endpoint' | 'idempotency_key'>;

// Compiled once, both on every creating POST: parameters in the order the placeholders appear in the SQL.
const claimKey = compiledOnce((db) =>
  db
    .insertInto('idempotency_keys')
    .values({ integrator_id: '', endpoint: '', idempotency_key: '', request_hash: '', response_status: 0, response_body: '', created_at: 0 })
    .onConflict((oc) => oc.columns(['integrator_id', 'endpoint', 'idempotency_key']).doNothing())
    .returning('idempotency_key'),
);
const saveKeyResponse = compiledOnce((db) =>
  db
    .updateTable('idempotency_keys')
    .set({ response_status: 0, response_body: '' })
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
    // An unanswered claim: response_status 0 and an empty body until saveResponse.
    const rows = await claimKey(db, [scope.integrator_id, scope.endpoint, scope.idempotency_key, requestHash, 0, '', at]);
    return rows.length === 1;
  },

  find(db: Db, scope: IdempotencyScope): Promise<IdempotencyRecord | undefined> {
    return db
      .selectFrom('idempotency_keys')
      .selectAll()
      .where('integrator_id', '=', scope.integrator_id)
      .where('endpoint', '=', scope.endpoint)
      .where('idempotency_key', '=', scope.idempotency_key)
      .executeTakeFirst();
  },

  async saveResponse(db: Db, scope: IdempotencyScope, status: number, body: string): Promise<void> {
    await saveKeyResponse(db, [status, body, scope.integrator_id, scope.endpoint, scope.idempotency_key]);
  },

  async purgeOlderThan(db: Db, before: number): Promise<number> {
    const result = await db.deleteFrom('idempotency_keys').where('created_at', '<', before).executeTakeFirst();
    return Number(result.numDeletedRows);
  },
};
