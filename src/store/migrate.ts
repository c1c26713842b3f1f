import { Migrator, type Migration, type MigrationProvider } from 'kysely';
import type { OpenDatabase } from './database.js';
import * as foundation from './migrations/0001-foundation.js';
import * as engine from './migrations/0002-engine.js';
import * as wallet from './migrations/0003-wallet.js';
import * as deliveries from './migrations/0004-deliveries.js';

/** Migrations are listed in code (not read from a folder), so the compiled build and tests see the same set. */
const MIGRATIONS: Record<string, Migration> = {
  '0001-foundation': foundation,
  '0002-engine': engine,
  '0003-wallet': wallet,
  '0004-deliveries': deliveries,
};

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

/** How often a migration run cut by another schema's drop is tried again. */
const RUNS = 5;

/**
 * Applies pending migrations. Kysely takes a lock table on both engines, so several platform processes
 * starting together against one PostgreSQL migrate once. On PostgreSQL Kysely's bookkeeping tables are named
 * with their schema: unqualified, Kysely would take another schema's tables for its own and fail. To find them
 * Kysely reads the tables of every schema in the database, and that query fails ("schema … does not exist") when
 * another schema is dropped while it runs (other tenants, other test runs): such a run is tried again.
 */
export async function migrateToLatest({ db, schema }: Pick<OpenDatabase, 'db' | 'schema'>): Promise<void> {
  for (let run = 1; ; run++) {
    const { error, results } = await new Migrator({ db, provider, ...(schema ? { migrationTableSchema: schema } : {}) }).migrateToLatest();
    if (!error) return;
    const message = error instanceof Error ? error.message : String(error);
    const otherSchemaDropped = schema !== undefined && /^schema ".*" does not exist$/.test(message) && !message.includes(`"${schema}"`);
    if (otherSchemaDropped && run < RUNS) continue;
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`database migration ${failed} failed: ${message}`);
  }
}
