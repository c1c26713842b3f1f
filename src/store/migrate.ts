import { Migrator, type Migration, type MigrationProvider } from 'kysely';
import type { OpenDatabase } from './database.js';
import * as foundation from './migrations/0001-foundation.js';
import * as engine from './migrations/0002-engine.js';
import * as wallet from './migrations/0003-wallet.js';
import * as deliveries from './migrations/0004-deliveries.js';
import * as access from './migrations/0005-access.js';
import * as paymentChanges from './migrations/0006-payment-changes.js';
import * as idempotencyStatus from './migrations/0007-idempotency-status.js';
import * as requestLogRows from './migrations/0008-request-log-rows.js';
import * as faultRules from './migrations/0009-fault-rules.js';

/** Migrations are listed in code (not read from a folder), so the compiled build and tests see the same set. */
const MIGRATIONS: Record<string, Migration> = {
  '0001-foundation': foundation,
  '0002-engine': engine,
  '0003-wallet': wallet,
  '0004-deliveries': deliveries,
  '0005-access': access,
  '0006-payment-changes': paymentChanges,
  '0007-idempotency-status': idempotencyStatus,
  '0008-request-log-rows': requestLogRows,
  '0009-fault-rules': faultRules,
};

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

/**
 * Applies pending migrations. Kysely takes a lock table on both engines, so several platform processes
 * starting together against one PostgreSQL migrate once. On PostgreSQL Kysely's bookkeeping tables are named
 * with their schema: unqualified, Kysely would take another schema's tables for its own and fail. Kysely finds
 * its tables through the dialect's introspector, which on PostgreSQL reads only our schema (one-schema-introspector.ts),
 * so other schemas coming and going meanwhile cannot fail a migration.
 */
export async function migrateToLatest({ db, schema }: Pick<OpenDatabase, 'db' | 'schema'>): Promise<void> {
  const migrator = new Migrator({ db, provider, ...(schema ? { migrationTableSchema: schema } : {}) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`database migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
