import { sql } from 'kysely';
import type { Db } from '../database.js';

export const balancesRepository = {
  async credit(db: Db, storeId: string, amount: number): Promise<void> {
    await db
      .insertInto('store_balances')
      .values({ store_id: storeId, balance: amount, last_payout_at: null, last_payout_amount: null })
      .onConflict((oc) => oc.column('store_id').doUpdateSet({ balance: sql`store_balances.balance + ${amount}` }))
      .execute();
  },

  /** Takes `amount` from the store's balance, atomically: false when the balance does not cover it (1368). */
  async debitIfCovered(db: Db, storeId: string, amount: number): Promise<boolean> {
    const result = await db
      .updateTable('store_balances')
      .set({ balance: sql`balance - ${amount}` })
      .where('store_id', '=', storeId)
      .where('balance', '>=', amount)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  },

  async balanceOf(db: Db, storeId: string): Promise<number> {
    const row = await db.selectFrom('store_balances').select('balance').where('store_id', '=', storeId).executeTakeFirst();
    return row?.balance ?? 0;
  },
};
