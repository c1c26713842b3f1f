import { sql, type Kysely } from 'kysely';

// Migrations take Kysely<any>: they describe the schema at their point in history, not today's types.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('merchants')
    .addColumn('merchant_id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('vat_number', 'varchar(10)', (c) => c.notNull().unique())
    .addColumn('name', 'varchar(200)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('brands')
    .addColumn('merchant_brand_id', 'varchar(10)', (c) => c.primaryKey())
    .addColumn('merchant_id', 'varchar(36)', (c) => c.notNull().references('merchants.merchant_id'))
    .addColumn('brand_name', 'varchar(200)', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('stores')
    .addColumn('store_id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('merchant_brand_id', 'varchar(10)', (c) => c.notNull().references('brands.merchant_brand_id'))
    .addColumn('merchant_location_id', 'varchar(5)', (c) => c.notNull())
    .addColumn('store_name', 'varchar(200)', (c) => c.notNull())
    .addColumn('store_street', 'varchar(200)', (c) => c.notNull())
    .addColumn('store_zip_code', 'varchar(20)', (c) => c.notNull())
    .addColumn('store_city', 'varchar(100)', (c) => c.notNull())
    .addColumn('activated', 'integer', (c) => c.notNull().defaultTo(1))
    .addUniqueConstraint('stores_brand_location_unique', ['merchant_brand_id', 'merchant_location_id'])
    .execute();

  await db.schema
    .createTable('integrators')
    .addColumn('integrator_id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('name', 'varchar(200)', (c) => c.notNull().unique())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('clients')
    .addColumn('client_id', 'varchar(100)', (c) => c.primaryKey())
    .addColumn('integrator_id', 'varchar(36)', (c) => c.notNull().references('integrators.integrator_id'))
    .addColumn('secret_hash', 'varchar(300)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('callback_aliases')
    .addColumn('integrator_id', 'varchar(36)', (c) => c.notNull().references('integrators.integrator_id'))
    .addColumn('alias', 'varchar(36)', (c) => c.notNull())
    .addColumn('url', 'varchar(2000)', (c) => c.notNull())
    .addPrimaryKeyConstraint('callback_aliases_pk', ['integrator_id', 'alias'])
    .execute();

  await db.schema
    .createTable('signing_keys')
    .addColumn('kid', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('private_jwk', 'text', (c) => c.notNull())
    .addColumn('public_jwk', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('retired_at', 'bigint')
    .execute();

  await db.schema
    .createTable('points_of_sale')
    .addColumn('pos_id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('merchant_id', 'varchar(36)', (c) => c.notNull().references('merchants.merchant_id'))
    .addColumn('integrator_id', 'varchar(36)', (c) => c.notNull().references('integrators.integrator_id'))
    .addColumn('store_id', 'varchar(36)', (c) => c.notNull().references('stores.store_id'))
    .addColumn('merchant_pos_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('name', 'varchar(36)', (c) => c.notNull())
    .addColumn('beacon_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('supported_beacon_types', 'varchar(100)', (c) => c.notNull())
    .addColumn('callback_alias', 'varchar(36)')
    .addColumn('require_payment_before_checkin', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('deleted_at', 'bigint')
    .execute();

  // The uniqueness rules of active points of sale are constraints, so two racing creates cannot both win.
  await db.schema
    .createIndex('points_of_sale_active_beacon')
    .on('points_of_sale')
    .column('beacon_id')
    .unique()
    .where(sql.ref('deleted_at'), 'is', null)
    .execute();
  await db.schema
    .createIndex('points_of_sale_active_merchant_pos_id')
    .on('points_of_sale')
    .columns(['integrator_id', 'merchant_id', 'merchant_pos_id'])
    .unique()
    .where(sql.ref('deleted_at'), 'is', null)
    .execute();
  await db.schema.createIndex('points_of_sale_store').on('points_of_sale').column('store_id').execute();

  await db.schema
    .createTable('idempotency_keys')
    .addColumn('integrator_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('endpoint', 'varchar(100)', (c) => c.notNull())
    .addColumn('idempotency_key', 'varchar(36)', (c) => c.notNull())
    .addColumn('request_hash', 'varchar(64)', (c) => c.notNull())
    .addColumn('response_status', 'integer', (c) => c.notNull())
    .addColumn('response_body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['integrator_id', 'endpoint', 'idempotency_key'])
    .execute();
  await db.schema.createIndex('idempotency_keys_created').on('idempotency_keys').column('created_at').execute();

  await db.schema
    .createTable('customers')
    .addColumn('phone_number', 'varchar(20)', (c) => c.primaryKey())
    .addColumn('payment_source', 'varchar(10)', (c) => c.notNull())
    .addColumn('loyalty_ids', 'text', (c) => c.notNull())
    .addColumn('partial_capture_possible', 'integer', (c) => c.notNull())
    .addColumn('customer_token', 'varchar(64)', (c) => c.notNull())
    .addColumn('customer_receipt_token', 'varchar(64)', (c) => c.notNull())
    .execute();
}
