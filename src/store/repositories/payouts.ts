import type { Db } from '../database.js';
import type { Payout } from '../schema.js';

export const payoutsRepository = {
  /**
   * Pays every store out of what it holds: one payout row per store with money, and the balance back to 0.
   * The (store, time) key means a payout that ran twice for one scheduled time fails instead of paying twice.
   */
  async payOutAll(db: Db, at: number): Promise<number> {
    const due = await db.selectFrom('store_balances').select(['store_id', 'balance']).where('balance', '>', 0).execute();
    if (due.length === 0) return 0;
    await db
      .insertInto('payouts')
      .values(due.map((s) => ({ store_id: s.store_id, amount: s.balance, paid_at: at })))
      .execute();
    for (const s of due) {
      await db
        .updateTable('store_balances')
        .set((eb) => ({ balance: eb('balance', '-', s.balance), last_payout_at: at }))
        .where('store_id', '=', s.store_id)
        .execute();
    }
    return due.length;
  },

  listByStore(db: Db, storeId: string): Promise<Payout[]> {
    return db.selectFrom('payouts').selectAll().where('store_id', '=', storeId).orderBy('paid_at').execute();
  },
};
