import type { Db } from '../database.js';
import type { IdempotencyRecord } from '../schema.js';

export type IdempotencyScope = Pick<IdempotencyRecord, 'integrator_id' | 'endpoint' | 'idempotency_key'>;

export const idempotencyKeysRepository = {
  /**
   * Claims a key by inserting its row; false when the key is already there. On PostgreSQL a concurrent claim
   * of the same key waits here until the first transaction ends, which is what serializes retries.
   */
  async claim(db: Db, scope: IdempotencyScope, requestHash: string, at: number): Promise<boolean> {
    const rows = await db
      .insertInto('idempotency_keys')
      .values({ ...scope, request_hash: requestHash, response_status: 0, response_body: '', created_at: at })
      .onConflict((oc) => oc.columns(['integrator_id', 'endpoint', 'idempotency_key']).doNothing())
      .returning('idempotency_key')
      .execute();
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
    await db
      .updateTable('idempotency_keys')
      .set({ response_status: status, response_body: body })
      .where('integrator_id', '=', scope.integrator_id)
      .where('endpoint', '=', scope.endpoint)
      .where('idempotency_key', '=', scope.idempotency_key)
      .execute();
  },

  async purgeOlderThan(db: Db, before: number): Promise<number> {
    const result = await db.deleteFrom('idempotency_keys').where('created_at', '<', before).executeTakeFirst();
    return Number(result.numDeletedRows);
  },
};
