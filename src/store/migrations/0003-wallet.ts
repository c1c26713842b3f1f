import type { Kysely } from 'kysely';

/** The wallet app reads by phone: a customer's payments, newest change first, and their waiting check-in. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('payments_customer').on('payments').columns(['customer_phone', 'updated_at']).execute();
  await db.schema.createIndex('checkins_customer').on('checkins').column('customer_phone').execute();
}
