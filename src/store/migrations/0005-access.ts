import { sql, type Kysely } from 'kysely';

/**
 * Who may act for whom (SPEC §7): the merchants each integrator is linked to, clients an operator disabled,
 * the version counter every process watches to reload both, and the token endpoint's failure counts.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('integrator_merchants')
    .addColumn('integrator_id', 'varchar(36)', (c) => c.notNull().references('integrators.integrator_id'))
    .addColumn('merchant_id', 'varchar(36)', (c) => c.notNull().references('merchants.merchant_id'))
    .addPrimaryKeyConstraint('integrator_merchants_pk', ['integrator_id', 'merchant_id'])
    .execute();
  // A database from before links keeps working for what it was used for: each integrator is linked to the
  // merchants it has created points of sale for, and to no other.
  await sql`insert into integrator_merchants (integrator_id, merchant_id)
    select distinct integrator_id, merchant_id from points_of_sale`.execute(db);

  await db.schema.alterTable('clients').addColumn('disabled_at', 'bigint').execute();

  // Bumped in the transaction of every link, unlink, disable and enable; each process reloads when it moves.
  await db.insertInto('platform_state').values({ name: 'access_version', value: 0 }).execute();

  // Failed token requests per client id (known or not), shared by every process on the database.
  await db.schema
    .createTable('token_failures')
    .addColumn('client_id', 'varchar(100)', (c) => c.primaryKey())
    .addColumn('window_started_at', 'bigint', (c) => c.notNull())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('blocked_until', 'bigint')
    .execute();
}
