import type { Selectable } from 'kysely';
import type { CheckinRecord } from '../../domain/customer.js';
import { compiledOnce } from '../compiled-once.js';
import type { Db } from '../database.js';
import type { CheckinTable } from '../schema.js';

const waiting = compiledOnce((db) => db.selectFrom('checkins').selectAll().where('pos_id', '=', '').where('expires_at', '>', 0));

const take = compiledOnce((db) => db.deleteFrom('checkins').where('pos_id', '=', '').where('expires_at', '>', 0).returningAll());

export const checkinsRepository = {
  /** One waiting check-in per PoS: a newer one takes over (MobilePay warned a walked-away customer would pay for the next). */
  async put(db: Db, checkin: CheckinRecord): Promise<void> {
    const row = toRow(checkin);
    await db
      .insertInto('checkins')
      .values(row)
      .onConflict((oc) =>
        oc.column('pos_id').doUpdateSet({ customer_phone: row.customer_phone, checked_in_at: row.checked_in_at, expires_at: row.expires_at }),
      )
      .execute();
  },

  async findWaiting(db: Db, posId: string, now: number): Promise<CheckinRecord | undefined> {
    return recordOf((await waiting(db, [posId, now]))[0]);
  },

  /** Takes the waiting check-in of a PoS for a new payment; at most one payment gets it. */
  async takeWaiting(db: Db, posId: string, now: number): Promise<CheckinRecord | undefined> {
    return recordOf((await take(db, [posId, now]))[0]);
  },

  /** Removes check-ins that expired at `now`; the number removed. */
  async deleteExpired(db: Db, now: number): Promise<number> {
    const result = await db.deleteFrom('checkins').where('expires_at', '<=', now).executeTakeFirst();
    return Number(result.numDeletedRows);
  },
};

const recordOf = (row: Selectable<CheckinTable> | undefined): CheckinRecord | undefined =>
  row && { posId: row.pos_id, customerPhone: row.customer_phone, checkedInAt: row.checked_in_at, expiresAt: row.expires_at };

const toRow = (checkin: CheckinRecord): CheckinTable => ({
  pos_id: checkin.posId,
  customer_phone: checkin.customerPhone,
  checked_in_at: checkin.checkedInAt,
  expires_at: checkin.expiresAt,
});
