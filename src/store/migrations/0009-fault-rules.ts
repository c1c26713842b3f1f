import type { Kysely } from 'kysely';

/**
 * Fault rules (issue 11): kept in the database so every process on one PostgreSQL applies the same rules and
 * counts a client's calls together (calls_seen is bumped by one UPDATE … RETURNING, atomic on both engines).
 * Each process holds them in memory and reloads when `fault_rules_version` moves, bumped with every change.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('fault_rules')
    .addColumn('rule_id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('client_id', 'varchar(100)', (c) => c.notNull())
    .addColumn('route', 'text', (c) => c.notNull())
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('kind', 'varchar(20)', (c) => c.notNull())
    .addColumn('delay_ms', 'integer', (c) => c.notNull())
    .addColumn('calls_seen', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('origin', 'text', (c) => c.notNull())
    .execute();
  await db.insertInto('platform_state').values({ name: 'fault_rules_version', value: 0 }).execute();
}
