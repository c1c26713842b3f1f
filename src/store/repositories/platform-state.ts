import { sql } from 'kysely';
import type { Db } from '../database.js';
import type { PlatformStateTable } from '../schema.js';

type StateName = PlatformStateTable['name'];

export const platformStateRepository = {
  async get(db: Db, name: StateName): Promise<number | undefined> {
    const row = await db.selectFrom('platform_state').select('value').where('name', '=', name).executeTakeFirst();
    return row?.value;
  },

  /** Sets the value unless one is there (several processes starting together agree on the first). */
  async initialize(db: Db, name: StateName, value: number): Promise<void> {
    await db
      .insertInto('platform_state')
      .values({ name, value })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
  },

  /** Moves the value from `expected` to `next`; false when another process moved it first. */
  async compareAndSet(db: Db, name: StateName, expected: number, next: number): Promise<boolean> {
    const result = await db
      .updateTable('platform_state')
      .set({ value: next })
      .where('name', '=', name)
      .where('value', '=', expected)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  },

  /** Adds to the value atomically and answers the new value. */
  async add(db: Db, name: StateName, delta: number): Promise<number> {
    const row = await db
      .updateTable('platform_state')
      .set({ value: sql`value + ${delta}` })
      .where('name', '=', name)
      .returning('value')
      .executeTakeFirstOrThrow();
    return row.value;
  },
};
