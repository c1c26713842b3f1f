import { sql } from 'kysely';
import type { Db } from '../database.js';

/** Failed token requests per client id: one row each, counted in a window, in every process's view. */
export const tokenFailuresRepository = {
  async blockedUntil(db: Db, clientId: string): Promise<number | null> {
    const row = await db.selectFrom('token_failures').select('blocked_until').where('client_id', '=', clientId).executeTakeFirst();
    return row?.blocked_until ?? null;
  },

  /**
   * Counts one failure in the window that started at or after `windowStart` (a new window starts at `now`
   * when the last one is over), atomically, and answers the count.
   */
  async count(db: Db, clientId: string, now: number, windowStart: number): Promise<number> {
    const current = sql<boolean>`token_failures.window_started_at >= ${windowStart}`;
    const row = await db
      .insertInto('token_failures')
      .values({ client_id: clientId, window_started_at: now, failures: 1, blocked_until: null })
      .onConflict((oc) =>
        oc.column('client_id').doUpdateSet({
          failures: sql<number>`case when ${current} then token_failures.failures + 1 else 1 end`,
          window_started_at: sql<number>`case when ${current} then token_failures.window_started_at else ${now} end`,
        }),
      )
      .returning('failures')
      .executeTakeFirstOrThrow();
    return row.failures;
  },

  /** Blocks the client id once it reached `limit` failures; the count starts again for after the block. */
  async block(db: Db, clientId: string, limit: number, until: number): Promise<void> {
    await db
      .updateTable('token_failures')
      .set({ blocked_until: until, failures: 0, window_started_at: until })
      .where('client_id', '=', clientId)
      .where('failures', '>=', limit)
      .execute();
  },

  /** Forgets client ids whose window and block are over. */
  async purge(db: Db, windowStart: number, now: number): Promise<void> {
    await db
      .deleteFrom('token_failures')
      .where('window_started_at', '<', windowStart)
      .where((eb) => eb.or([eb('blocked_until', 'is', null), eb('blocked_until', '<', now)]))
      .execute();
  },
};
