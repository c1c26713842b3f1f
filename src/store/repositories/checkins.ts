import { compiledOnce } from '../compiled-once.js';
import type { Db } from '../database.js';
import type { Checkin } from '../schema.js';

const waiting = compiledOnce((db) => db.selectFrom('checkins').selectAll().where('pos_id', '=', '').where('expires_at', '>', 0));

const take = compiledOnce((db) => db.deleteFrom('checkins').where('pos_id', '=', '').where('expires_at', '>', 0).returningAll());

export const checkinsRepository = {
  /** One waiting check-in per PoS: a newer one takes over (MobilePay warned a walked-away customer would pay for the next). */
  async put(db: Db, checkin: Checkin): Promise<void> {
    await db
      .insertInto('checkins')
      .values(checkin)
      .onConflict((oc) =>
        oc.column('pos_id').doUpdateSet({
          customer_phone: checkin.customer_phone,
          checked_in_at: checkin.checked_in_at,
          expires_at: checkin.expires_at,
        }),
      )
      .execute();
  },

  async findWaiting(db: Db, posId: string, now: number): Promise<Checkin | undefined> {
    return (await waiting(db, [posId, now]))[0];
  },

  /** Takes the waiting check-in of a PoS for a new payment; at most one payment gets it. */
  async takeWaiting(db: Db, posId: string, now: number): Promise<Checkin | undefined> {
    return (await take(db, [posId, now]))[0];
  },

  /** Removes check-ins that expired at `now`; the number removed. */
  async deleteExpired(db: Db, now: number): Promise<number> {
    const result = await db.deleteFrom('checkins').where('expires_at', '<=', now).executeTakeFirst();
    return Number(result.numDeletedRows);
  },
};
