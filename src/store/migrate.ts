import { Migrator, type Migration, type MigrationProvider } from 'kysely';
import type { OpenDatabase } from './database.js';
import * as foundation from './migrations/0001-foundation.js';
import * as engine from './migrations/0002-engine.js';
import * as wallet from './migrations/0003-wallet.js';
import * as deliveries from './migrations/0004-deliveries.js';
import * as access from './migrations/0005-access.js';

/** Migrations are listed in code (not read from a folder), so the compiled build and tests see the same set. */
const MIGRATIONS: Record<string, Migration> = {
  '0001-foundation': foundation,
  '0002-engine': engine,
  '0003-wallet': wallet,
  '0004-deliveries': deliveries,
  '0005-access': access,
};

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

const INTROSPECTION_RETRIES = 5;

/**
 * Before it migrates, Kysely's migrator lists every table of the database, calling functions on each schema's
 * name (PostgreSQL). When another schema is dropped meanwhile (another tenant's, or a test's), those calls fail
 * with "schema … does not exist" or "relation … does not exist"; nothing was migrated yet, so it is tried again.
 */
const vanishedDuringIntrospection = (error: unknown) => ['3F000', '42P01'].includes((error as { code?: string }).code ?? '');

/**
 * Applies pending migrations. Kysely takes a lock table on both engines, so several platform processes
 * starting together against one PostgreSQL migrate once. On PostgreSQL Kysely's bookkeeping tables are named
 * with their schema: unqualified, Kysely would take another schema's tables for its own and fail. To find its
 * tables Kysely lists the columns of every schema in the database, which fails with "schema … does not exist"
 * (3F000) or "relation … does not exist" (42P01) when another schema is dropped meanwhile (test runs each use a
 * schema of their own): then it is tried again, which is safe since applied migrations are recorded (a
 * migration that truly fails fails again).
 */
export async function migrateToLatest({ db, schema }: Pick<OpenDatabase, 'db' | 'schema'>): Promise<void> {
  const migrator = new Migrator({ db, provider, ...(schema ? { migrationTableSchema: schema } : {}) });
  let { error, results } = await migrator.migrateToLatest();
  for (let retry = 0; retry < INTROSPECTION_RETRIES && error && vanishedDuringIntrospection(error); retry++) {
    ({ error, results } = await migrator.migrateToLatest());
  }
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`database migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
