import { sql, type Kysely } from 'kysely';

/** The payment engine: payments, check-ins, refunds, store balances, the sandbox clock and the schedule. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('payments')
    .addColumn('payment_id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('pos_id', 'varchar(36)', (c) => c.notNull().references('points_of_sale.pos_id'))
    .addColumn('merchant_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('integrator_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('store_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('order_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('status', 'varchar(24)', (c) => c.notNull())
    .addColumn('amount', 'bigint')
    .addColumn('currency_code', 'varchar(3)')
    .addColumn('restrictions', 'varchar(200)')
    .addColumn('merchant_payment_label', 'varchar(36)')
    .addColumn('planned_capture_delay', 'varchar(20)')
    .addColumn('customer_phone', 'varchar(20)')
    .addColumn('customer_token', 'varchar(64)')
    .addColumn('customer_receipt_token', 'varchar(64)')
    .addColumn('loyalty_ids', 'text')
    .addColumn('partial_capture_possible', 'integer')
    .addColumn('captured_amount', 'bigint')
    .addColumn('refunded_amount', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('expires_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('created_order', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('captured_at', 'bigint')
    .execute();
  // At most one active payment per PoS, enforced by the database (two racing initiates cannot both win).
  await db.schema
    .createIndex('payments_one_active_per_pos')
    .on('payments')
    .column('pos_id')
    .unique()
    .where(sql<boolean>`status in ('Prepared', 'Paired', 'Initiated', 'IssuedToUser')`)
    .execute();
  await db.schema.createIndex('payments_pos_status').on('payments').columns(['pos_id', 'status']).execute();
  await db.schema.createIndex('payments_order').on('payments').columns(['integrator_id', 'order_id', 'created_order']).execute();
  await db.schema.createIndex('payments_due').on('payments').column('expires_at').execute();

  await db.schema
    .createTable('checkins')
    .addColumn('pos_id', 'varchar(36)', (c) => c.primaryKey().references('points_of_sale.pos_id'))
    .addColumn('customer_phone', 'varchar(20)', (c) => c.notNull())
    .addColumn('checked_in_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('checkins_due').on('checkins').column('expires_at').execute();

  await db.schema
    .createTable('refunds')
    .addColumn('refund_id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('payment_id', 'varchar(36)', (c) => c.notNull().references('payments.payment_id'))
    .addColumn('merchant_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('integrator_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('store_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('refund_order_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('currency_code', 'varchar(3)', (c) => c.notNull())
    .addColumn('status', 'varchar(24)', (c) => c.notNull())
    .addColumn('expires_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('refunds_payment').on('refunds').column('payment_id').execute();
  await db.schema.createIndex('refunds_due').on('refunds').column('expires_at').execute();

  // What a store can refund from: captured minus refunded since its last payout (SPEC §5, our definition).
  await db.schema
    .createTable('store_balances')
    .addColumn('store_id', 'varchar(36)', (c) => c.primaryKey().references('stores.store_id'))
    .addColumn('balance', 'bigint', (c) => c.notNull())
    .addColumn('last_payout_at', 'bigint')
    .addColumn('last_payout_amount', 'bigint')
    .execute();

  await db.schema
    .createTable('payouts')
    .addColumn('store_id', 'varchar(36)', (c) => c.notNull().references('stores.store_id'))
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('paid_at', 'bigint', (c) => c.notNull())
    // One payout per store and scheduled time: a payout run twice for one time fails instead of paying twice.
    .addPrimaryKeyConstraint('payouts_pk', ['store_id', 'paid_at'])
    .execute();

  // Append-only batches of calls, read by client and time, purged after a while (see RequestLogTable).
  await db.schema
    .createTable('request_log')
    .addColumn('client_id', 'varchar(100)', (c) => c.notNull())
    .addColumn('batch_order', 'bigint', (c) => c.notNull())
    .addColumn('calls', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('request_log_client_order').on('request_log').columns(['client_id', 'batch_order']).execute();

  await db.schema
    .createTable('notifications')
    .addColumn('notification_id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('url', 'varchar(2000)', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', 'bigint')
    .addColumn('delivered_at', 'bigint')
    .addColumn('last_error', 'varchar(300)')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('notifications_due').on('notifications').column('next_attempt_at').execute();

  // Platform-wide singletons: the sandbox clock offset and the due time of recurring jobs (the daily payout).
  await db.schema
    .createTable('platform_state')
    .addColumn('name', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('value', 'bigint', (c) => c.notNull())
    .execute();
}
