import type { Kysely } from 'kysely';

/**
 * The request log becomes one row per call, so SQL can answer what certification and the dashboard ask of it (a
 * client's calls for one merchant in a time window, the retries of one idempotency key, the polls that came too
 * soon per resource). The JSON batches it held are dropped, not converted: the log is diagnostic, kept 14 days,
 * and a batch lacks what a row now records (the merchant, the resource, the v10 code).
 *
 * Text columns are `text`, not bounded varchars, wherever the value comes from the caller: a value too long for
 * its column would fail its whole flush on PostgreSQL, again at every retry.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('request_log').execute();
  await db.schema
    .createTable('request_log')
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('call_order', 'bigint', (c) => c.notNull())
    .addColumn('client_id', 'varchar(100)', (c) => c.notNull())
    .addColumn('integrator_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('merchant_vat', 'varchar(10)', (c) => c.notNull())
    .addColumn('system_name', 'text')
    .addColumn('system_version', 'text', (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('route', 'text', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('resource_id', 'text')
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('v10_code', 'text')
    .addColumn('idempotency_key', 'text')
    .addColumn('correlation_id', 'text', (c) => c.notNull())
    .addColumn('ibm_client_id', 'text')
    .addColumn('latency_ms', 'double precision', (c) => c.notNull())
    .addColumn('polled_too_soon', 'integer', (c) => c.notNull())
    .addColumn('amount_as_string', 'integer', (c) => c.notNull())
    .execute();
  // A client's calls by time (the dashboard, the CLI, a certification window and the questions asked within it,
  // the purge), and the retries of one key. Each index entry costs every flush, on the thread that answers polls:
  // only creating POSTs carry a key, so the polls, most calls, stay out of its index (0.4 µs a call on SQLite),
  // and there is no index by resource (with one, a poll cost about 20 % more CPU in `npm run bench`): polls of
  // a resource are asked for within a client's time window, which the first index serves.
  await db.schema.createIndex('request_log_client_at').on('request_log').columns(['client_id', 'at']).execute();
  await db.schema
    .createIndex('request_log_client_key')
    .on('request_log')
    .columns(['client_id', 'idempotency_key'])
    .where('idempotency_key', 'is not', null)
    .execute();
}
