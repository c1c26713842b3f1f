import type { Db } from '../database.js';
import type { SigningKey } from '../schema.js';

export const signingKeysRepository = {
  /** The key new tokens are signed with: the newest one not retired. */
  findActive(db: Db): Promise<SigningKey | undefined> {
    return db
      .selectFrom('signing_keys')
      .selectAll()
      .where('retired_at', 'is', null)
      .orderBy('created_at', 'desc')
      .limit(1)
      .executeTakeFirst();
  },

  /** Keys that may still have unexpired tokens: the active one and those retired after `retiredAfter`. */
  listVerifying(db: Db, retiredAfter: number): Promise<SigningKey[]> {
    return db
      .selectFrom('signing_keys')
      .selectAll()
      .where((eb) => eb.or([eb('retired_at', 'is', null), eb('retired_at', '>', retiredAfter)]))
      .orderBy('created_at', 'desc')
      .execute();
  },

  async insert(db: Db, key: SigningKey): Promise<void> {
    await db.insertInto('signing_keys').values(key).execute();
  },

  async retireAllActive(db: Db, at: number): Promise<void> {
    await db.updateTable('signing_keys').set({ retired_at: at }).where('retired_at', 'is', null).execute();
  },
};
