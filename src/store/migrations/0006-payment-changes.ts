import { PostgresAdapter, sql, type Kysely } from 'kysely';

/**
 * PostgreSQL: every insert or update of a payment tells every platform process on the schema, so each can drop
 * what it holds of that payment (store/payment-change-feed.ts). A trigger rather than a call in each repository
 * method: no write can forget it, the operator's SQL included. NOTIFY is transactional, so the news arrives on
 * commit and never for a rolled-back write. The channel is named after the schema (tenants and test runs share a
 * database); the payload is the payment id and the time the trigger ran, in epoch milliseconds to the microsecond, from which each
 * process measures the delay to its drop. SQLite has one platform process per file, which invalidates its own
 * cache as it writes: nothing to tell.
 */
export async function up(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql`
    create function publish_payment_change() returns trigger language plpgsql as $$
    begin
      perform pg_notify('payment_changes.' || tg_table_schema,
        new.payment_id || ' ' || round(extract(epoch from clock_timestamp()) * 1000, 3));
      return null;
    end $$`.execute(db);
  await sql`
    create trigger payments_publish_change after insert or update on payments
    for each row execute function publish_payment_change()`.execute(db);
}
