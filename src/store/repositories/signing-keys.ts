import type { JWK } from 'jose';
import type { Db } from '../database.js';
import type { SigningKeyTable } from '../schema.js';

/** A token-signing key pair, its halves as JWKs (stored as JSON text). */
export interface SigningKeyRecord {
  kid: string;
  privateJwk: JWK;
  publicJwk: JWK;
  createdAt: number;
  retiredAt: number | null;
}

const recordOf = (row: SigningKeyTable): SigningKeyRecord => ({
  kid: row.kid,
  privateJwk: JSON.parse(row.private_jwk) as JWK,
  publicJwk: JSON.parse(row.public_jwk) as JWK,
  createdAt: row.created_at,
  retiredAt: row.retired_at,
});

export const signingKeysRepository = {
  /** The key new tokens are signed with: the newest one not retired. */
  async findActive(db: Db): Promise<SigningKeyRecord | undefined> {
    const row = await db
      .selectFrom('signing_keys')
      .selectAll()
      .where('retired_at', 'is', null)
      .orderBy('created_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row && recordOf(row);
  },

  /** Keys that may still have unexpired tokens: the active one and those retired after `retiredAfter`. */
  async listVerifying(db: Db, retiredAfter: number): Promise<SigningKeyRecord[]> {
    const rows = await db
      .selectFrom('signing_keys')
      .selectAll()
      .where((eb) => eb.or([eb('retired_at', 'is', null), eb('retired_at', '>', retiredAfter)]))
      .orderBy('created_at', 'desc')
      .execute();
    return rows.map(recordOf);
  },

  /** Retires every active key and makes `key` the active one. */
  async rotateTo(db: Db, key: SigningKeyRecord): Promise<void> {
    await db.updateTable('signing_keys').set({ retired_at: key.createdAt }).where('retired_at', 'is', null).execute();
    await db
      .insertInto('signing_keys')
      .values({ kid: key.kid, private_jwk: JSON.stringify(key.privateJwk), public_jwk: JSON.stringify(key.publicJwk), created_at: key.createdAt, retired_at: null })
      .execute();
  },
};
