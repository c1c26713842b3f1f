import type { Db } from '../database.js';

export const payoutsRepository = {
  /**
   * Pays every store out of what it holds: the balance goes to 0 and one payout row per store records what it
   * was. One UPDATE reads and empties each balance (SET sees the row as it was), holding the row lock a
   * concurrent refund's debit needs, so money is never both refunded and paid out. The (store, time) key means
   * a payout that ran twice for one scheduled time fails instead of paying twice.
   */
  async payOutAll(db: Db, at: number): Promise<number> {
    const paid = await db
      .updateTable('store_balances')
      .set((eb) => ({ last_payout_amount: eb.ref('balance'), balance: 0, last_payout_at: at }))
      .where('balance', '>', 0)
      .returning(['store_id', 'last_payout_amount'])
      .execute();
    if (paid.length === 0) return 0;
    await db
      .insertInto('payouts')
      .values(paid.map((s) => ({ store_id: s.store_id, amount: s.last_payout_amount ?? 0, paid_at: at })))
      .execute();
    return paid.length;
  },
};
